/**
 * The job's recipe (lambdas/pipeline-job/job.ts), step by step, against the emulators of job-harness.ts:
 * a finished run takes every step in order and writes the outputs in the table's order; a run that fails,
 * continues, stands down or is refused stops where the recipe says and writes nothing after it.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { JOB_OUTPUTS, runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { bedrockAnswerFromMoto } from '../../support/bedrock-aws-answer.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { bedrockYaml, enforce, guardrails, shareGuardrails } from './bedrock-job-fixtures.ts';
import {
  failureOf,
  type Harness,
  harness,
  job,
  successOf,
  useJobEmulators,
  withDeadlineAt,
  writes,
} from './job-harness.ts';
import { REGION, STATE_BUCKET } from './pipeline-fixtures.ts';

const env = useJobEmulators();

/** What the job left in its state bucket. */
async function stateKeys(): Promise<string[]> {
  const listed = await env.adminS3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key as string).sort();
}

/** The JSON report the job left as the latest in its state bucket. */
async function latestReport(): Promise<Record<string, unknown>> {
  const latest = await env.adminS3.send(
    new GetObjectCommand({ Bucket: STATE_BUCKET, Key: 'ai-optout/latest/report.json' }),
  );
  return JSON.parse(await (latest.Body?.transformToString() ?? '{}'));
}

/** A harness with every output configured; the metrics line goes to the job's log, so its place shows. */
function everything(h: Harness = harness({ stateBucket: true })): Harness {
  h.deps.metrics = { functionName: 'f', write: (line) => h.logs.write(line) };
  h.deps.securityHub = {
    client: new SecurityHubClient({
      region: REGION,
      endpoint: env.moto.endpoint,
      credentials: TEST_CREDENTIALS,
    }),
    region: REGION,
  };
  return h;
}

/** The job's log, one word a line: its message, or `metrics` for the metrics line. */
function steps(h: Harness): string[] {
  return h.logs.lines().map((l) => (l._aws ? 'metrics' : String(l.msg)));
}

describe('the recipe: a finished run', () => {
  it('reads, plans, writes every output in the order of the table, then reports and records its one result', async () => {
    await createLzaOrg(env.admin);
    const h = everything();
    const { event } = await job({ output: true, userParameters: { failOn: 'never' } });

    await runJob(event, h.context, h.deps);

    const { summary } = successOf(event);
    expect(steps(h)).toEqual([
      'reconciling',
      summary.split(' (mode')[0],
      'organization snapshot published',
      'metrics',
      'latest reports written',
      'report artifact written',
      'Security Hub findings updated',
      'job result reported',
    ]);
    expect(JOB_OUTPUTS.map((o) => o.name)).toEqual([
      'organization snapshot',
      'metrics line',
      'latest reports',
      'report artifact',
      'Security Hub findings',
    ]);
    expect(h.logs.lines()[0]).toMatchObject({
      mode: 'audit',
      configPath: 'ai-optout.yaml',
      policies: 3,
      continued: false,
      pipelineExecutionId: expect.any(String),
    });
    expect(h.logs.lines()[1]).toMatchObject({
      verdict: 'drift',
      changes: 7,
      violations: 7,
      effectiveChanges: 11,
      accounts: 7,
    });
    expect(await stateKeys()).toEqual([
      expect.stringMatching(/^ai-optout\/jobs\/.*\.json$/),
      'ai-optout/latest/ai-optout.yaml',
      'ai-optout/latest/report.html',
      'ai-optout/latest/report.json',
      expect.stringMatching(/^ai-optout\/snapshots\/history\//),
      'ai-optout/snapshots/latest.json',
    ]);
  });

  it("the parameters' audit mode overrides the file's enforce: the plan, its report, summary and variables say audit", async () => {
    await createLzaOrg(env.admin);
    const h = harness({ stateBucket: true, modeCeiling: 'enforce' });
    const yaml = EXAMPLE_YAML.replace(/^mode: audit\b/m, 'mode: enforce');
    const { event } = await job({
      files: { 'ai-optout.yaml': yaml },
      userParameters: { mode: 'audit', failOn: 'never' },
    });

    await runJob(event, h.context, h.deps);

    const { summary, variables } = successOf(event);
    expect(yaml).toMatch(/^mode: enforce/m);
    expect(variables).toMatchObject({ MODE: 'audit', VERDICT: 'drift' });
    expect(summary).toMatch(/\(mode audit\)/);
    expect(h.orgCalls.CreatePolicy ?? 0).toBe(0);
    expect(await latestReport()).toMatchObject({ mode: 'audit' });
  });

  it("its reports name the input's revision and the execution's trigger", async () => {
    await createLzaOrg(env.admin);
    const h = harness({ stateBucket: true });
    h.deps.pipeline = { ...h.deps.pipeline, triggerVariable: 'trigger' };
    const { event } = await job({ revision: 'abc1234', variables: { trigger: 'schedule' } });

    await runJob(event, h.context, h.deps);

    expect(await latestReport()).toMatchObject({ revision: 'abc1234', trigger: 'schedule' });
  });

  it('in enforce mode it logs the plan before applying, and its outputs are of the organization after apply', async () => {
    await createLzaOrg(env.admin);
    const h = everything(harness({ stateBucket: true, modeCeiling: 'enforce' }));
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    await runJob(event, h.context, h.deps);

    expect(successOf(event).variables).toMatchObject({ VERDICT: 'in-sync', MODE: 'enforce' });
    const log = steps(h);
    expect(log.slice(0, 2)).toEqual(['reconciling', 'plan before apply']);
    expect(log.filter((s) => s === 'apply step')).toHaveLength(7);
    expect(log).not.toContain('apply refused');
    const metrics = h.logs.lines().find((l) => l._aws);
    expect(metrics).toMatchObject({ verdict: 'in-sync', mode: 'enforce', Changes: 0 });
  });

  it('a guardrail that fails pre-flight refuses the apply: the plan carries the pre-flight, the refusal is logged as an error, nothing is written', async () => {
    // Prepare: the east guardrail exists only as its DRAFT; AWS's Bedrock answers as moto's organization is
    const org = await createLzaOrg(env.admin);
    await shareGuardrails(org);
    env.proxy.guardrails.guardrails.set(guardrails(org).east, { versions: {} });
    env.proxy.effectivePolicies.bedrockRule = bedrockAnswerFromMoto(env.admin);

    // Act
    const { h, event } = await enforce(bedrockYaml(org), 'never');

    // Assess: the refusal heads the result and is the log's error line, right after the plan
    const failure = failureOf(event);
    const refusal = failure.lines[0]?.replace(/^apply refused, (.*) \(mode enforce\)$/, '$1');
    expect(refusal).toMatch(/^nothing was written: 1 guardrail .* failed pre-flight: us-east-1 /);
    expect(steps(h)).toEqual([
      'reconciling',
      'plan before apply',
      'apply refused',
      expect.stringMatching(/^drift: /),
      'organization snapshot published',
      'latest reports written',
      'job result reported',
    ]);
    expect(h.logs.lines().find((l) => l.msg === 'apply refused')).toMatchObject({
      level: 'error',
      refused: refusal,
    });
    expect(writes(h.orgCalls)).toBe(0);
    // The guardrail was asked of the Bedrock endpoint, in its Region, with the Organizations client's credentials
    const reads = env.proxy.guardrails.calls.map((c) => [c.operation, c.guardrail, c.signedRegion]);
    expect(reads).toContainEqual(['GetGuardrail', guardrails(org).east, 'us-east-1']);
    const keys = (service: string) =>
      new Set(env.proxy.signed.filter((s) => s.service === service).map((s) => s.accessKeyId));
    expect([...keys('bedrock')]).toEqual([...keys('organizations')]);
  });
});

describe('the recipe: where a run stops', () => {
  it('a failure in the work is the result: reported and recorded, no output written', async () => {
    const h = everything();
    const { event } = await job({ output: true, files: { 'ai-optout.yaml': 'version: [' } });

    await runJob(event, h.context, h.deps);

    expect(failureOf(event).type).toBe('ConfigurationError');
    expect(steps(h)).toEqual(['job failed', 'job result reported']);
    expect(await stateKeys()).toEqual([expect.stringMatching(/^ai-optout\/jobs\//)]);
  });

  it('a run the deadline cuts short continues: its progress saved, no output written', async () => {
    await createLzaOrg(env.admin);
    const h = everything();
    withDeadlineAt(h, 'ListAccountsForParent', 1);
    const { event } = await job({ output: true });

    await runJob(event, h.context, h.deps);

    const [result] = env.codePipeline.results();
    expect(result?.kind === 'success' && result.continuationToken).toBeTruthy();
    expect(steps(h).slice(1)).toEqual([
      expect.stringMatching(/^reading the organization: /),
      'job result reported',
    ]);
    expect((await stateKeys()).map((k) => k.split('/')[1])).toEqual(['continuations', 'jobs']);
  });

  it('an apply the deadline cuts short continues from the organization as read: its progress saved, no output written', async () => {
    await createLzaOrg(env.admin);
    const h = everything(harness({ stateBucket: true, modeCeiling: 'enforce' }));
    withDeadlineAt(h, 'CreatePolicy', 1);
    const { event } = await job({ output: true, userParameters: { mode: 'enforce' } });

    await runJob(event, h.context, h.deps);

    const [result] = env.codePipeline.results();
    expect(result?.kind === 'success' && result.continuationToken).toBeTruthy();
    expect(steps(h).slice(-2)).toEqual([
      expect.stringMatching(
        /^applying: \d+ OUs and \d+ accounts read, 0 OUs left; continuing in the next invocation \(mode enforce\)$/,
      ),
      'job result reported',
    ]);
    expect((await stateKeys()).map((k) => k.split('/')[1])).toEqual(['continuations', 'jobs']);
  });

  it('an apply that fails before the deadline is the failure, not a continuation', async () => {
    await createLzaOrg(env.admin);
    env.proxy.addFault({ operation: 'CreatePolicy', times: 1, type: 'AccessDeniedException', status: 400 });
    const h = everything(harness({ stateBucket: true, modeCeiling: 'enforce' }));
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    await runJob(event, h.context, h.deps);

    expect(failureOf(event)).toMatchObject({
      type: 'PermissionError',
      message: expect.stringMatching(/^AWS denied CreatePolicy: /),
    });
    expect((await stateKeys()).map((k) => k.split('/')[1])).toEqual(['jobs']);
  });

  it('without a state bucket, a deadline in the work is the failure, named for its step rather than the cut call', async () => {
    await createLzaOrg(env.admin);
    const h = harness();
    withDeadlineAt(h, 'DescribeOrganization', 1);
    const { event } = await job();

    await runJob(event, h.context, h.deps);

    expect(failureOf(event)).toMatchObject({
      type: 'JobFailed',
      message: expect.stringMatching(
        /^stopped 45 s before the Lambda deadline: reading the organization did not finish/,
      ),
    });
  });

  it('a duplicate delivery stands down: nothing read, nothing reported, the claim left as it was', async () => {
    const h = everything();
    const { event } = await job();
    const key = `ai-optout/jobs/${event['CodePipeline.job'].id}.json`;
    const claim = JSON.stringify({
      state: 'running',
      startedAt: new Date().toISOString(),
      requestId: 'other',
    });
    await env.adminS3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: key, Body: claim }));

    await runJob(event, h.context, h.deps);

    expect(env.codePipeline.results()).toEqual([]);
    expect(h.artifactCredentials).toEqual([]);
    expect(steps(h)).toEqual([
      'duplicate delivery of this job: another invocation handles it; not applying and not reporting',
    ]);
    expect(await stateKeys()).toEqual([key]);
  });

  it('a refused job is not claimed; an event with no job is not answered', async () => {
    const h = everything();
    const { event } = await job({ issued: false });

    await runJob(event, h.context, h.deps);
    await runJob({ Records: [] }, h.context, h.deps);

    expect(failureOf(event).type).toBe('ConfigurationError');
    expect(steps(h)).toEqual([
      'job refused before reading anything',
      'metrics',
      'not a CodePipeline job event; there is no job to report to',
      'metrics',
    ]);
    expect(await stateKeys()).toEqual([]);
  });

  it('a malformed job is answered; each of its lines names the job and the request, and its deadline is cancelled', async () => {
    const h = harness();
    const timers = { scheduled: 0, cancelled: 0 };
    h.deps.timing = {
      ...h.deps.timing,
      schedule: () => {
        timers.scheduled++;
        return () => {
          timers.cancelled++;
        };
      },
    };
    const { event } = await job();
    Reflect.deleteProperty(event['CodePipeline.job'].data, 'artifactCredentials');

    await runJob(event, h.context, h.deps);

    expect(failureOf(event)).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(
        /^the job event is malformed: CodePipeline\.job\.data\.artifactCredentials is missing;/,
      ),
    });
    const named = { jobId: event['CodePipeline.job'].id, requestId: h.context.awsRequestId };
    expect(h.logs.lines()).toEqual([
      expect.objectContaining({ ...named, msg: 'job refused before reading anything' }),
    ]);
    expect(timers).toEqual({ scheduled: 1, cancelled: 1 });
  });

  it('the state bucket stores are all in the one bucket', () => {
    const stores = stateStores(env.adminS3, STATE_BUCKET);

    expect(Object.keys(stores).sort()).toEqual(['continuations', 'latestRun', 'ledger', 'snapshots']);
    expect(stores.latestRun.bucket).toBe(STATE_BUCKET);
  });
});
