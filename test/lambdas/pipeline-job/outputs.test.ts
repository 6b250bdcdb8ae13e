/**
 * What a finished run writes besides its result, as a table (JOB_OUTPUTS in lambdas/pipeline-job/job.ts):
 * the rows in their order, each written only where it has a target, and the failure policies as one
 * column: every real row made to fail (its clients pointed at a port nobody listens on, the metrics sink
 * throwing) and what the job then does. The policy rule itself, before and past the deadline, with rows
 * of the test's own.
 */

import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import { DeadlineError } from '../../../lambdas/domain/errors.ts';
import { plan } from '../../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { parseSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { countsByType } from '../../../lambdas/domain/type-counts.ts';
import { JOB_OUTPUTS } from '../../../lambdas/pipeline-job/job.ts';
import { type JobDependencies, stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import {
  type FailurePolicy,
  type FinishedRun,
  output,
  writeOutputs,
} from '../../../lambdas/pipeline-job/outputs.ts';
import { renderReports } from '../../../lambdas/pipeline-job/report-artifact.ts';
import { publishFindings } from '../../../lambdas/pipeline-job/security-hub.ts';
import { parseEmfLine } from '../../support/emf.ts';
import {
  DEMO_FILE,
  DEMO_YAML,
  EXAMPLE_YAML,
  exampleDesiredState,
} from '../../support/example-desired-state.ts';
import { examplePlan } from '../../support/example-plan.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { pipelineEvent, REGION, STATE_BUCKET } from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

/** Nothing listens on port 9 (discard): every call fails at once, as a bucket or service out of reach. */
const NOWHERE = 'http://127.0.0.1:9';
const unreachable = { region: REGION, endpoint: NOWHERE, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
const SNAPSHOT = parseSnapshot(
  readFileSync(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url), 'utf8'),
  'example',
);

/** A finished audit run of the example; `output: true` declares an output artifact. */
function finishedRun(options: { output?: boolean } = {}): FinishedRun {
  const event = pipelineEvent({ inputKey: 'in', ...(options.output ? { outputKey: 'out' } : {}) });
  const result = examplePlan();
  const input = {
    state: exampleDesiredState(),
    s3: new S3Client({ ...unreachable, forcePathStyle: true }),
    revision: undefined,
    source: new TextEncoder().encode(EXAMPLE_YAML),
  };
  const reports = renderReports(result, undefined, { revision: undefined, trigger: undefined }, new Date());
  const job = event['CodePipeline.job'] as FinishedRun['job'];
  return {
    job,
    input,
    trigger: undefined,
    mode: 'audit',
    result,
    applied: undefined,
    snapshot: SNAPSHOT,
    reports,
  };
}

describe('outputs: the table', () => {
  it('names each output, when it is written and its failure policy, in the order they are written', () => {
    expect(JOB_OUTPUTS.map(({ name, when, onFailure }) => [name, when, onFailure])).toEqual([
      ['organization snapshot', 'with a state bucket', 'log-error'],
      ['metrics line', 'in Lambda (AWS_LAMBDA_FUNCTION_NAME)', 'log-error'],
      ['latest reports', 'with a state bucket', 'log-warning'],
      ['report artifact', 'when the action declares an output artifact', 'fail-job'],
      ['Security Hub findings', 'with AI_OPTOUT_SECURITY_HUB=true', 'fail-job'],
    ]);
  });

  it('is the table docs/pipeline-job.md shows', () => {
    const docs = readFileSync(new URL('../../../docs/pipeline-job.md', import.meta.url), 'utf8');
    const section = docs.split('## What a finished run writes')[1]?.split('\n## ')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| output'))
      .map((line) =>
        line
          .split('|')
          .slice(1, 4)
          .map((cell) =>
            cell
              .replace(/`/g, '')
              .replace(/ \(\[.*?\]\(.*?\)\)/, '')
              .trim(),
          ),
      );
    const policies = {
      'fail-job': "the job fails with the error's type",
      'log-error': 'logged as an error; the result stands',
      'log-warning': 'logged as a warning; the result stands',
    };

    expect(rows).toEqual(JOB_OUTPUTS.map((o) => [o.name, o.when, policies[o.onFailure]]));
  });

  it('without a state bucket, metrics sink, output artifact or Security Hub, nothing is written and nothing is called', async () => {
    const { run, logs } = stepRun();

    const written = await Promise.all(JOB_OUTPUTS.map((row) => row.writeIfTargeted(finishedRun(), run)));
    await writeOutputs(JOB_OUTPUTS, finishedRun(), run);

    expect(written).toEqual([false, false, false, false, false]);
    expect(logs.lines()).toEqual([]);
  });

  it('a job event with no outputArtifacts field targets no report artifact', async () => {
    const { run } = stepRun();
    const finished = finishedRun({ output: true });
    finished.job = { ...finished.job, data: { ...finished.job.data } };
    Reflect.deleteProperty(finished.job.data, 'outputArtifacts');
    const row = JOB_OUTPUTS.find((r) => r.name === 'report artifact');

    expect(await row?.writeIfTargeted(finished, run)).toBe(false);
  });

  it('a metrics sink gets one line of the run (and no other output is written)', async () => {
    const lines: string[] = [];
    const { run } = stepRun({ deps: { metrics: { functionName: 'f', write: (line) => lines.push(line) } } });

    const written = await Promise.all(JOB_OUTPUTS.map((row) => row.writeIfTargeted(finishedRun(), run)));

    expect(written).toEqual([false, true, false, false, false]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      FunctionName: 'f',
      NonCompliantAccounts: 5,
      Verdict: 1,
    });
  });
});

describe('outputs: the metrics line measures this run', () => {
  it("its duration is the clock since the run started, its API calls those the run's watch started", async () => {
    const lines: string[] = [];
    const { run } = stepRun({ deps: { metrics: { functionName: 'f', write: (line) => lines.push(line) } } });
    for (let i = 0; i < 5; i++) run.watch.start({ service: 'S3', operation: 'GetObject', endpoint: NOWHERE });
    const measured = { ...run, startedAt: new Date(run.deps.now().getTime() - 1_500), callsAtStart: 2 };
    const metrics = JOB_OUTPUTS.find((r) => r.name === 'metrics line');

    await writeOutputs(metrics ? [metrics] : [], finishedRun(), measured);

    expect(JSON.parse(lines[0] as string)).toMatchObject({ DurationMs: 1_500, ApiCalls: 3 });
  });
});

describe('outputs: the metrics of a file with a bedrock: section', () => {
  it("the run's line, then one line per policy type: each names the function and the run's time, each type's figures its own", async () => {
    const lines: string[] = [];
    const { run } = stepRun({ deps: { metrics: { functionName: 'f', write: (line) => lines.push(line) } } });
    const loaded = loadDesiredState(DEMO_YAML, { file: DEMO_FILE });
    if (!loaded.ok) throw new Error(`${DEMO_FILE} does not load`);
    const result = plan(loaded.state, SNAPSHOT);
    const finished = { ...finishedRun(), input: { ...finishedRun().input, state: loaded.state }, result };
    const metrics = JOB_OUTPUTS.find((r) => r.name === 'metrics line');

    await writeOutputs(metrics ? [metrics] : [], finished, run);

    const [total, ...perType] = lines.map((line) => parseEmfLine(line));
    const timestamp = run.deps.now().getTime();
    expect(total).toMatchObject({ _aws: { Timestamp: timestamp }, FunctionName: 'f' });
    expect(perType).toHaveLength(2);
    for (const [i, counts] of countsByType(result, [AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]).entries())
      expect(perType[i]).toMatchObject({
        _aws: { Timestamp: timestamp },
        FunctionName: 'f',
        PolicyType: counts.policyType,
        Changes: counts.changes,
        Violations: counts.violations,
      });
  });
});

describe('outputs: the failure policies of the real rows', () => {
  /** Every output configured, and every one of them failing. */
  const failing: Partial<JobDependencies> = {
    stateBucket: stateStores(new S3Client({ ...unreachable, forcePathStyle: true }), STATE_BUCKET),
    metrics: {
      functionName: 'f',
      write: () => {
        throw new Error('EPIPE: standard output is closed');
      },
    },
    securityHub: { client: new SecurityHubClient(unreachable), region: REGION },
  };

  it.each([
    ['organization snapshot', 'logged as error'],
    ['metrics line', 'logged as error'],
    ['latest reports', 'logged as warn'],
    ['report artifact', 'fails the job'],
    ['Security Hub findings', 'fails the job'],
  ])('the %s: %s', async (name, expected) => {
    const row = JOB_OUTPUTS.find((r) => r.name === name);
    const { run, logs } = stepRun({ deps: failing });

    const outcome = await writeOutputs(row ? [row] : [], finishedRun({ output: true }), run).then(
      () => undefined,
      (error: unknown) => error,
    );

    const logged = logs.lines().map((l) => `logged as ${l.level}`);
    expect(outcome === undefined ? logged : ['fails the job']).toEqual([expected]);
    if (outcome === undefined)
      expect(logs.lines()[0]).toMatchObject({ msg: `the ${name} could not be written`, output: name });
  });

  it('the metrics line failing is logged and the outputs after it are still written', async () => {
    const { run, logs } = stepRun({
      deps: { metrics: failing.metrics as NonNullable<JobDependencies['metrics']> },
    });
    const written: string[] = [];
    const after = output({
      name: 'next output',
      when: 'always',
      onFailure: 'fail-job',
      target: () => 'somewhere',
      write: (to) => {
        written.push(to);
      },
    });
    const metrics = JOB_OUTPUTS.find((r) => r.name === 'metrics line');

    await writeOutputs(metrics ? [metrics, after] : [], finishedRun(), run);

    expect(written).toEqual(['somewhere']);
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 'error', err: 'EPIPE: standard output is closed' }),
    ]);
  });
});

describe('outputs: the policy rule', () => {
  const broken = (onFailure: FailurePolicy) =>
    output({
      name: 'broken output',
      when: 'always',
      onFailure,
      target: () => true,
      write: () => {
        throw new Error('the store said no');
      },
    });

  it.each([
    ['fail-job', 'before the deadline', 'Error: the store said no'],
    ['log-error', 'before the deadline', 'error'],
    ['log-warning', 'before the deadline', 'warn'],
    ['fail-job', 'past the deadline', 'DeadlineError'],
    ['log-error', 'past the deadline', 'DeadlineError'],
    ['log-warning', 'past the deadline', 'DeadlineError'],
  ] as const)('%s, %s: %s', async (policy, when, expected) => {
    const { run, logs, fire } = stepRun();
    if (when === 'past the deadline') fire();

    const thrown = await writeOutputs([broken(policy)], finishedRun(), run).then(
      () => undefined,
      (error: unknown) => error,
    );

    if (expected === 'DeadlineError') expect(thrown).toBeInstanceOf(DeadlineError);
    else if (expected === 'Error: the store said no') expect(String(thrown)).toBe(expected);
    else {
      expect(thrown).toBeUndefined();
      expect(logs.lines()).toEqual([
        expect.objectContaining({
          level: expected,
          output: 'broken output',
          err: 'the store said no',
          msg: 'the broken output could not be written',
        }),
      ]);
    }
  });

  it('the clock past the reserve is the deadline too, though its timer has not fired', async () => {
    const { run, setRemaining } = stepRun();
    setRemaining(44_000);

    const thrown = await writeOutputs([broken('log-warning')], finishedRun(), run).catch((e: unknown) => e);

    expect(thrown).toBeInstanceOf(DeadlineError);
  });

  it('a row without a target is skipped: its writer is not called', async () => {
    const { run } = stepRun();
    const calls: string[] = [];
    const row = output<string>({
      name: 'unconfigured',
      when: 'never',
      onFailure: 'fail-job',
      target: () => undefined,
      write: (to) => {
        calls.push(to);
      },
    });

    expect(await row.writeIfTargeted(finishedRun(), run)).toBe(false);
    await writeOutputs([row], finishedRun(), run);
    expect(calls).toEqual([]);
  });
});

describe('outputs: the Security Hub account comes from the job event, and only a 12-digit one is used', () => {
  it.each([
    ['no account id', undefined, 'undefined'],
    ['an empty one', '', ''],
    ['eleven digits', '11111111111', '11111111111'],
    ['a prefixed one', 'x111111111111', 'x111111111111'],
    ['one with a path', '111111111111/../222222222222', '111111111111/../222222222222'],
  ])('%s is refused before Security Hub is called', async (_name, accountId, shown) => {
    const client = new SecurityHubClient(unreachable);
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    const finished = finishedRun();
    finished.job = { ...finished.job, accountId };
    const { run } = stepRun();

    const error = await publishFindings({ client, region: REGION }, finished, run).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ConfigurationError',
      message: `the job event names no account id (${shown}) to import Security Hub findings into`,
    });
    expect(sent).toEqual([]);
  });
});
