/**
 * The gate, step by step (lambdas/pipeline-job/admission.ts and confirm.ts), against the fake CodePipeline
 * job API: which jobs are confirmed and why each other is refused, the working time a job needs, and how a
 * refused job is answered, logged and counted. forged-jobs.test.ts runs the same gate end to end and
 * asserts that a refused job reads and writes nothing; this file is its specification in tables.
 */
import { randomUUID } from 'node:crypto';
import { PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { admitJob, refuseNonJob } from '../../../lambdas/pipeline-job/admission.ts';
import { confirmJob, LISTING_DELAYS_MS } from '../../../lambdas/pipeline-job/confirm.ts';
import { type JobEvent, readJobEvent } from '../../../lambdas/pipeline-job/event.ts';
import type { JobDependencies } from '../../../lambdas/pipeline-job/job-run.ts';
import { parseUserParameters } from '../../../lambdas/pipeline-job/parameters.ts';
import {
  actionExecutionFor,
  codePipelineClientFor,
  scriptJobExecution,
} from '../../support/codepipeline-endpoint.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { useCodePipelineEndpoint } from '../../support/use-codepipeline.ts';
import {
  ARTIFACT_BUCKET,
  FUNCTION_NAME,
  OWN_PIPELINE,
  PIPELINE_NAME,
  type PipelineEvent,
  pipelineEvent,
} from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

const codePipeline = useCodePipelineEndpoint();

/** A job event whose UserParameters name a fresh execution id; `issued`: CodePipeline is running it. */
function event(options: { issued?: boolean; userParameters?: Record<string, unknown> } = {}): PipelineEvent {
  const built = pipelineEvent({
    inputKey: `Config/${randomUUID().slice(0, 7)}`,
    userParameters: options.userParameters ?? {},
  });
  if (options.issued !== false) scriptJobExecution(codePipeline.fake, PIPELINE_NAME, built);
  return built;
}

function executionOf(e: PipelineEvent): string {
  const text = e['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters ?? '{}';
  return (JSON.parse(text) as { pipelineExecutionId: string }).pipelineExecutionId;
}

function jobOf(e: unknown) {
  const read = readJobEvent(e);
  if (read.kind !== 'job') throw new Error(`not a job: ${read.kind}`);
  return read.job;
}

/** Confirms `e`'s job as the gate does; the error it is refused with, or what it confirmed. */
async function confirm(e: PipelineEvent, deps: Partial<JobDependencies> = {}) {
  const { run, sleeps } = stepRun({ deps: { codePipeline: codePipeline.client, ...deps } });
  const text = e['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters;
  const outcome = await confirmJob(jobOf(e), parseUserParameters(text), text, run).catch(
    (error: unknown) => error,
  );
  return { outcome, sleeps };
}

describe('the gate: jobs CodePipeline is running are confirmed', () => {
  it('confirms the execution, with no trigger when the stage names no trigger variable', async () => {
    const e = event();

    const { outcome, sleeps } = await confirm(e);

    expect(outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: undefined });
    expect(sleeps).toEqual([]);
    expect(codePipeline.fake.calls.map((c) => c.operation)).toEqual(['ListActionExecutions']);
  });

  it.each([
    ['its name', FUNCTION_NAME],
    ['its name and a qualifier', `${FUNCTION_NAME}:live`],
    ['its ARN', `arn:aws:lambda:us-east-1:111111111111:function:${FUNCTION_NAME}`],
    ['its ARN and a version', `arn:aws:lambda:us-east-1:111111111111:function:${FUNCTION_NAME}:3`],
    ['a partial ARN', `111111111111:function:${FUNCTION_NAME}`],
  ])('the action may name the function by %s', async (_name, functionName) => {
    const e = event({ issued: false });
    const action = actionExecutionFor(e);
    if (action.input?.resolvedConfiguration) action.input.resolvedConfiguration.FunctionName = functionName;
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [action]);

    expect((await confirm(e)).outcome).toMatchObject({ pipelineExecutionId: executionOf(e) });
  });

  it('an execution CodePipeline lists late is asked about again, after 2 and then 5 seconds', async () => {
    const e = event({ issued: false });
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    let asked = 0;
    const sleep = async () => {
      if (++asked === 2) scriptJobExecution(codePipeline.fake, PIPELINE_NAME, e);
    };

    const { outcome } = await confirm(e, { sleep });

    expect(outcome).toMatchObject({ pipelineExecutionId: executionOf(e) });
    expect(asked).toBe(2);
    expect(LISTING_DELAYS_MS).toEqual([2_000, 5_000]);
  });

  it('an execution that lists another action but not ours yet is asked again, until ours is listed', async () => {
    const e = event({ issued: false });
    const other = actionExecutionFor(e, { stageName: 'Source', actionName: 'Checkout' });
    if (other.input?.resolvedConfiguration) other.input.resolvedConfiguration.FunctionName = 'someone-else';
    const listed = [other];
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), listed);
    const sleep = async () => {
      listed.push(actionExecutionFor(e));
    };

    const { outcome, sleeps } = await confirm(e, { sleep });

    expect(outcome).toMatchObject({ pipelineExecutionId: executionOf(e) });
    expect(sleeps).toEqual([]);
    expect(codePipeline.fake.calls.map((c) => c.operation)).toEqual([
      'ListActionExecutions',
      'ListActionExecutions',
    ]);
  });

  it.each([
    ['no input', {}],
    ['no resolved configuration', { input: {} }],
    ['no function name', { input: { resolvedConfiguration: {} } }],
  ])(
    'an action listed with %s (the API makes each optional) is not ours, and ours still confirms',
    async (_name, shape) => {
      const e = event({ issued: false });
      const bare = { stageName: 'Approve', actionName: 'Manual', status: 'InProgress', ...shape };
      codePipeline.fake.addPipeline(PIPELINE_NAME);
      codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [
        bare as ReturnType<typeof actionExecutionFor>,
        actionExecutionFor(e),
      ]);

      expect((await confirm(e)).outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: undefined });
    },
  );

  it('of two running actions of the function, the one that matches the event confirms it', async () => {
    const e = event({ issued: false });
    const elsewhere = actionExecutionFor(e, { stageName: 'Other', actionName: 'Reconcile' });
    if (elsewhere.input?.inputArtifacts?.[0])
      elsewhere.input.inputArtifacts[0].s3location.key = 'Config/other';
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [elsewhere, actionExecutionFor(e)]);

    expect((await confirm(e)).outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: undefined });
  });

  it('input artifacts CodePipeline lists in another order than the event are the same artifacts', async () => {
    const e = event({ issued: false });
    const inputs = e['CodePipeline.job'].data.inputArtifacts;
    const [first] = inputs;
    if (first)
      inputs.push({
        ...first,
        name: 'Extra',
        location: { ...first.location, s3Location: { ...first.location.s3Location, objectKey: 'Aaa/extra' } },
      });
    const action = actionExecutionFor(e);
    action.input?.inputArtifacts?.reverse();
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [action]);

    expect((await confirm(e)).outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: undefined });
  });

  it('reads the trigger from the execution, cut to the 1,000 characters a pipeline variable holds', async () => {
    const e = event({ issued: false });
    scriptJobExecution(codePipeline.fake, PIPELINE_NAME, e, { variables: { trigger: 't'.repeat(1001) } });
    const other = event({ issued: false });
    scriptJobExecution(codePipeline.fake, PIPELINE_NAME, other, { variables: { other: 'x' } });
    const pipeline = { ...OWN_PIPELINE, triggerVariable: 'trigger' };

    const named = await confirm(e, { pipeline });
    const absent = await confirm(other, { pipeline });

    expect(named.outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: 't'.repeat(1000) });
    expect(absent.outcome).toEqual({ pipelineExecutionId: executionOf(other), trigger: undefined });
  });
});

describe('the gate: each refusal and its reason', () => {
  const refusal = (type: string, message: string | RegExp) => ({ type, message });
  it.each([
    [
      'a function bound to no pipeline',
      { pipeline: { ...OWN_PIPELINE, name: undefined } },
      () => event(),
      refusal(
        'ConfigurationError',
        'this function accepts no job: AI_OPTOUT_PIPELINE_NAME is not set, so it cannot confirm a job with its pipeline; add the function to a pipeline with ReconcileStage, which sets them',
      ),
    ],
    [
      'a function with neither pipeline nor bucket',
      { pipeline: { name: undefined, artifactBucket: undefined, functionName: FUNCTION_NAME } },
      () => event(),
      refusal(
        'ConfigurationError',
        /^this function accepts no job: AI_OPTOUT_PIPELINE_NAME and AI_OPTOUT_ARTIFACT_BUCKET are not set,/,
      ),
    ],
    [
      'a function outside Lambda',
      { pipeline: { ...OWN_PIPELINE, functionName: undefined } },
      () => event(),
      refusal('ConfigurationError', /^this function accepts no job: AWS_LAMBDA_FUNCTION_NAME is not set,/),
    ],
    [
      'parameters that name no execution',
      {},
      () => pipelineEvent({ inputKey: 'in', userParameters: '{}' }),
      refusal(
        'ConfigurationError',
        /^UserParameters name no pipelineExecutionId, so the job cannot be confirmed/,
      ),
    ],
    [
      'an input artifact in another bucket',
      {},
      () => {
        const e = event();
        const [input] = e['CodePipeline.job'].data.inputArtifacts;
        if (input) input.location.s3Location.bucketName = 'attacker';
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        `the artifact Config is in s3://attacker, not in the pipeline's artifact bucket ${ARTIFACT_BUCKET}; nothing was read or written`,
      ),
    ],
    [
      'an output artifact in another bucket',
      {},
      () => {
        const e = pipelineEvent({ inputKey: 'in', outputKey: 'out', userParameters: {} });
        const [output] = e['CodePipeline.job'].data.outputArtifacts;
        if (output) output.location.s3Location.bucketName = 'attacker';
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        /^the artifact Report is in s3:\/\/attacker, not in the pipeline's artifact bucket/,
      ),
    ],
    [
      'an input artifact in the pipeline bucket but not of type S3',
      {},
      () => {
        const e = event();
        const [input] = e['CodePipeline.job'].data.inputArtifacts;
        if (input) input.location.type = 'CodeCommit';
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        `the artifact Config is stored in CodeCommit, not in S3 in the pipeline's artifact bucket ${ARTIFACT_BUCKET}; nothing was read or written`,
      ),
    ],
    [
      'an execution CodePipeline never ran (asked three times)',
      {},
      () => {
        codePipeline.fake.addPipeline(PIPELINE_NAME);
        return event({ issued: false });
      },
      refusal(
        'UnconfirmedJobError',
        /^not a job CodePipeline is running in ai-optout: it has no execution [0-9a-f-]{36}; nothing was read or written$/,
      ),
    ],
    [
      'a pipeline CodePipeline does not know',
      {},
      () => event({ issued: false }),
      refusal(
        'ConfigurationError',
        'AI_OPTOUT_PIPELINE_NAME names the pipeline ai-optout, which CodePipeline does not know in this account and region: set it to the pipeline whose stage invokes this function (ReconcileStage does)',
      ),
    ],
    [
      'an execution that runs no action of this function',
      {},
      () => {
        const e = event({ issued: false });
        const action = actionExecutionFor(e);
        if (action.input?.resolvedConfiguration)
          action.input.resolvedConfiguration.FunctionName = 'someone-else';
        codePipeline.fake.addPipeline(PIPELINE_NAME);
        codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [action]);
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        `not a job CodePipeline is running in ai-optout: its execution runs no action that invokes ${FUNCTION_NAME}; nothing was read or written`,
      ),
    ],
    [
      'a finished job sent again',
      {},
      () => {
        const e = event({ issued: false });
        scriptJobExecution(codePipeline.fake, PIPELINE_NAME, e, { status: 'Succeeded' });
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        'not a job CodePipeline is running in ai-optout: its action AiOptOut/Reconcile is Succeeded, not InProgress (a finished job sent again); nothing was read or written',
      ),
    ],
    [
      'parameters not those CodePipeline resolved',
      {},
      () => {
        const e = event();
        const configuration = e['CodePipeline.job'].data.actionConfiguration.configuration;
        configuration.UserParameters = JSON.stringify({
          failOn: 'never',
          pipelineExecutionId: executionOf(e),
        });
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        /: the event's UserParameters are not those CodePipeline resolved for AiOptOut\/Reconcile;/,
      ),
    ],
    [
      'input artifacts not those CodePipeline gave',
      {},
      () => {
        const e = event();
        const [input] = e['CodePipeline.job'].data.inputArtifacts;
        if (input) input.location.s3Location.objectKey = 'Config/swapped';
        return e;
      },
      refusal(
        'UnconfirmedJobError',
        /: the event's input artifacts are not those CodePipeline gave AiOptOut\/Reconcile;/,
      ),
    ],
  ])('%s', async (_name, deps, make, expected) => {
    const { outcome, sleeps } = await confirm(make(), deps as Partial<JobDependencies>);

    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe(expected.type);
    expect((outcome as Error).message).toMatch(expected.message);
    const askedAgain = /never ran|runs no action/.test(_name) ? [...LISTING_DELAYS_MS] : [];
    expect(sleeps).toEqual(askedAgain);
    // An artifact outside the pipeline's bucket is refused before CodePipeline is even asked.
    if (/artifact in/.test(_name)) expect(codePipeline.fake.calls).toEqual([]);
  });

  it('of two action executions of the function, the running one is the closest miss named', async () => {
    const e = event({ issued: false });
    const finished = actionExecutionFor(e, { status: 'Succeeded', stageName: 'Earlier' });
    const running = actionExecutionFor(e);
    if (running.input?.inputArtifacts?.[0]) running.input.inputArtifacts[0].s3location.key = 'Config/other';
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [finished, running]);

    const { outcome } = await confirm(e);

    expect((outcome as Error).message).toMatch(
      /the event's input artifacts are not those CodePipeline gave AiOptOut\/Reconcile/,
    );
  });

  it.each([
    ['ListActionExecutions', 'the listing'],
    ['GetPipelineExecution', 'the trigger'],
  ])('the deadline passing during %s (%s) cuts the call: the job is not confirmed', async (operation) => {
    const e = event({ issued: false });
    scriptJobExecution(codePipeline.fake, PIPELINE_NAME, e, { variables: { trigger: 't' } });
    const client = codePipelineClientFor(codePipeline.fake);
    const { run, fire } = stepRun({
      deps: { codePipeline: client, pipeline: { ...OWN_PIPELINE, triggerVariable: 'trigger' } },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === `${operation}Command`) fire();
        return next(args);
      },
      { step: 'initialize' },
    );
    const text = e['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters;

    const outcome = await confirmJob(jobOf(e), parseUserParameters(text), text, run).catch(
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(Error);
    console.log('OUTCOME', String(outcome));
    expect(String(outcome)).toMatch(/abort/i);
    expect(codePipeline.fake.calls.map((c) => c.operation)).toEqual(
      operation === 'ListActionExecutions' ? [] : ['ListActionExecutions'],
    );
  });

  it.each([
    ['no outputArtifacts field', 'outputArtifacts'],
    ['no inputArtifacts field (and CodePipeline lists none)', 'inputArtifacts'],
  ] as const)('an event with %s is confirmed', async (_name, field) => {
    const e = event({ issued: false });
    const action = actionExecutionFor(e);
    if (field === 'inputArtifacts' && action.input) action.input.inputArtifacts = [];
    codePipeline.fake.addPipeline(PIPELINE_NAME);
    codePipeline.fake.addExecution(PIPELINE_NAME, executionOf(e), [action]);
    Reflect.deleteProperty(e['CodePipeline.job'].data, field);

    expect((await confirm(e)).outcome).toEqual({ pipelineExecutionId: executionOf(e), trigger: undefined });
  });

  it('CodePipeline failing GetPipelineExecution (the trigger) is an AWS error naming its permission', async () => {
    const e = event({ issued: false });
    scriptJobExecution(codePipeline.fake, PIPELINE_NAME, e, { variables: { trigger: 't' } });
    codePipeline.fake.failNext(1, {
      status: 400,
      type: 'AccessDeniedException',
      message: 'no',
      operation: 'GetPipelineExecution',
    });

    const { outcome } = await confirm(e, { pipeline: { ...OWN_PIPELINE, triggerVariable: 'trigger' } });

    expect((outcome as Error).name).toBe('PermissionError');
    expect((outcome as Error).message).toMatch(/need codepipeline:GetPipelineExecution /);
  });

  it('CodePipeline failing the listing is an AWS error of its own type, not a refusal of the job', async () => {
    const e = event();
    codePipeline.fake.failNext(1, { status: 400, type: 'AccessDeniedException', message: 'no' });

    const { outcome } = await confirm(e);

    expect((outcome as Error).name).toBe('PermissionError');
    expect((outcome as Error).message).toMatch(/need codepipeline:ListActionExecutions /);
  });
});

describe('the gate: working time, answering and counting a refusal', () => {
  /** Admits `e` with a CodePipeline client at the fake and a metrics sink; what came of it. */
  async function admit(e: unknown, remainingMs = 600_000) {
    const metrics: string[] = [];
    const jobId = (e as { 'CodePipeline.job'?: { id?: string } })['CodePipeline.job']?.id;
    const { run, logs } = stepRun({
      remainingMs,
      ...(jobId ? { jobId } : {}),
      deps: {
        codePipeline: codePipeline.client,
        metrics: { functionName: FUNCTION_NAME, write: (line) => metrics.push(line) },
      },
    });
    const read = readJobEvent(e) as Exclude<JobEvent, { kind: 'not-a-job' }>;
    const before = codePipeline.fake.calls.length;
    const admitted = await admitJob(read, run);
    const results = codePipeline.fake.calls.slice(before).filter((c) => c.operation.startsWith('PutJob'));
    return { admitted, logs: logs.lines(), metrics: metrics.map((m) => parseEmfLine(m)), results };
  }

  it.each([
    // Lambda time left, admitted? (the seconds of work the refusal names)
    [60_000, true, undefined], // 15 s of work after the 45 s reserve: the least accepted
    [59_999, false, 15],
    [45_000, false, 0],
  ])('with %i ms left: admitted %s', async (remaining, expected, seconds) => {
    const { admitted, results } = await admit(event(), remaining);

    expect(admitted !== undefined).toBe(expected);
    if (!expected)
      expect(results[0]?.input).toEqual({
        jobId: expect.any(String),
        failureDetails: {
          type: 'ConfigurationError',
          externalExecutionId: 'request-1',
          message: `the function timeout leaves ${seconds} s to work after the 45 s kept for reporting: set it to at least 2 minutes (14 recommended)`,
        },
      });
  });

  it('an admitted job carries its parameters, its execution and its trigger; nothing is answered yet', async () => {
    const e = event({ userParameters: { mode: 'enforce', failOn: 'never' } });

    const { admitted, results, logs, metrics } = await admit(e);

    expect(admitted?.params).toEqual({
      ...parseUserParameters('{"mode":"enforce","failOn":"never"}'),
      pipelineExecutionId: executionOf(e),
    });
    expect(admitted?.trigger).toBeUndefined();
    expect([results, logs, metrics]).toEqual([[], [], []]);
  });

  it.each([
    ['CodePipeline takes the answer', () => {}, 'reported', 'error'],
    [
      'the job already has a result',
      async () => {
        const jobId = sent['CodePipeline.job'].id;
        await codePipeline.client.send(new PutJobSuccessResultCommand({ jobId }));
      },
      'the job already has a result',
      'error',
    ],
    [
      'CodePipeline never issued the job',
      () => {
        codePipeline.fake.issuedJobsOnly = true;
      },
      'CodePipeline refused the result (JobNotFoundException)',
      'error',
    ],
    [
      'CodePipeline fails the answer',
      () => codePipeline.fake.failNext(5, { operation: 'PutJobFailureResult' }),
      'CodePipeline refused the result (InternalServiceError)',
      'fatal',
    ],
  ])(
    'a refused job is answered once, logged in one line and counted: %s',
    async (_name, arrange, result, level) => {
      await arrange();
      const e = structuredClone(sent);
      e['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters = '{"mode":"audit"}';

      const { admitted, logs, metrics, results } = await admit(e);

      expect(admitted).toBeUndefined();
      expect(results.map((r) => (r.input?.failureDetails as { type?: string })?.type)).toEqual([
        'ConfigurationError',
      ]);
      expect(logs).toEqual([
        expect.objectContaining({
          level,
          msg: 'job refused before reading anything',
          type: 'ConfigurationError',
          refusal: expect.stringMatching(/^UserParameters name no pipelineExecutionId/),
          result,
        }),
      ]);
      expect(metrics).toEqual([
        expect.objectContaining({ RejectedInvocations: 1, refusal: 'ConfigurationError' }),
      ]);
    },
  );

  it.each([
    [
      'no action configuration',
      (data: Record<string, unknown>) => Reflect.deleteProperty(data, 'actionConfiguration'),
    ],
    [
      'an action configuration with no configuration',
      (data: Record<string, unknown>) => Object.assign(data, { actionConfiguration: {} }),
    ],
  ])('a job with %s is refused: its parameters name no execution', async (_name, change) => {
    const e = structuredClone(sent) as { 'CodePipeline.job': { data: Record<string, unknown> } };
    change(e['CodePipeline.job'].data);

    const { admitted, results } = await admit(e);

    expect(admitted).toBeUndefined();
    expect(results[0]?.input).toMatchObject({
      failureDetails: {
        type: 'ConfigurationError',
        message: expect.stringMatching(/^UserParameters name no pipelineExecutionId/),
      },
    });
  });

  it('a malformed job is refused with what is wrong with it', async () => {
    const e = structuredClone(sent) as { 'CodePipeline.job': Record<string, unknown> };
    Reflect.deleteProperty(e['CodePipeline.job'], 'data');

    const { admitted, results } = await admit(e);

    expect(admitted).toBeUndefined();
    expect(results[0]?.input).toMatchObject({
      failureDetails: {
        type: 'ConfigurationError',
        message: expect.stringMatching(/^the job event is malformed: CodePipeline.job.data is missing/),
      },
    });
  });

  it('without a metrics sink, an event with no job is still logged (and nothing is counted)', () => {
    const { run, logs } = stepRun();

    refuseNonJob(['Records'], run.deps);

    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'not a CodePipeline job event; there is no job to report to',
      }),
    ]);
  });

  it('an event with no job: one line, one count, nothing sent', () => {
    const metrics: string[] = [];
    const { run, logs } = stepRun({
      deps: { metrics: { functionName: FUNCTION_NAME, write: (line) => metrics.push(line) } },
    });

    refuseNonJob(['Records'], run.deps);

    expect(logs.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        keys: ['Records'],
        msg: 'not a CodePipeline job event; there is no job to report to',
      }),
    ]);
    expect(metrics.map((m) => parseEmfLine(m))).toEqual([
      expect.objectContaining({ RejectedInvocations: 1, refusal: 'not-a-job' }),
    ]);
  });
});

/** A job event used by the refusal cases (its own job id each time it is cloned is not needed). */
const sent = pipelineEvent({ inputKey: 'Config/sent', userParameters: {} });
