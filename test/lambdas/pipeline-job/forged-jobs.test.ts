/**
 * The pipeline job as an attacker with less power than the pipeline sees it: someone who may invoke
 * the function (lambda:InvokeFunction), start the pipeline with variables of their choice, or replay
 * what they saw, but cannot act as CodePipeline. Every forged or replayed job goes through the real
 * runJob with the production wiring (job ledger, continuation store, snapshot publisher and latest run
 * in the state bucket; metrics) against moto, and the fake CodePipeline answers the confirmation as
 * CodePipeline does. Each hostile case asserts that nothing happened: no Organizations call at all, no
 * artifact read, no object in the state bucket, no success result, exactly one log line, one
 * RejectedInvocations metric. A genuine job, wired the same way, still passes end to end.
 */

import { randomUUID } from 'node:crypto';
import { ListPoliciesCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCodePipelineClient } from '../../../lambdas/adapters/codepipeline/client.ts';
import { zipFiles } from '../../../lambdas/adapters/s3/artifacts.ts';
import { ContinuationStore } from '../../../lambdas/adapters/s3/continuations.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { LISTING_DELAYS_MS } from '../../../lambdas/pipeline-job/confirm.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { type JobDependencies, stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { type CallCounts, countCalls, totalCalls, WRITE_OPERATIONS } from '../../support/call-counts.ts';
import {
  actionExecutionFor,
  type JobResult,
  scriptJobExecution,
} from '../../support/codepipeline-endpoint.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { useJobEmulators } from './job-harness.ts';
import {
  ARTIFACT_BUCKET,
  adminS3Client,
  createBuckets,
  jobIdOf,
  logSink,
  OWN_PIPELINE,
  PIPELINE_NAME,
  type PipelineEvent,
  pipelineEvent,
  putInputArtifact,
  REGION,
  readOutputArtifact,
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

const ATTACKER_BUCKET = 'attacker-artifacts-999999999999';
/** What the attacker wants applied: every account opted in, nothing locked. */
const OPT_IN_EVERYONE = `version: 1
mode: enforce
policies:
  - name: ai-optout-baseline
    default: optIn
    lock: none
    targets: [root]
`;

const env = useJobEmulators();

beforeEach(async () => {
  env.codePipeline.issuedJobsOnly = true;
  env.codePipeline.addPipeline(PIPELINE_NAME);
  await createBuckets(env.adminS3, ATTACKER_BUCKET);
  await createLzaOrg(env.admin);
});

interface Wired {
  deps: JobDependencies;
  orgCalls: CallCounts;
  /** Each artifact S3 client the job built (one per artifact read). */
  artifactReads: number;
  logs: ReturnType<typeof logSink>;
  metrics: string[];
  /** The delays the job slept (the confirmation's re-asks). */
  sleeps: number[];
}

/** The job wired as the handler wires it in an enforce deployment, every state store in the state bucket. */
function wired(): Wired {
  const state: Wired = {
    orgCalls: {},
    artifactReads: 0,
    logs: logSink(),
    metrics: [],
    sleeps: [],
  } as unknown as Wired;
  state.deps = {
    codePipeline: createCodePipelineClient({
      region: REGION,
      endpoint: env.codePipeline.endpoint,
      credentials: TEST_CREDENTIALS,
    }),
    pipeline: { ...OWN_PIPELINE },
    organizations: () => {
      const client = new OrganizationsClient({
        region: REGION,
        endpoint: env.proxy.endpoint,
        credentials: TEST_CREDENTIALS,
      });
      countCalls(client, state.orgCalls);
      return client;
    },
    artifactS3: () => {
      state.artifactReads++;
      return adminS3Client(env.moto.endpoint);
    },
    stateBucket: stateStores(env.adminS3, STATE_BUCKET),
    metrics: { functionName: OWN_PIPELINE.functionName, write: (line) => state.metrics.push(line) },
    logger: createLogger(state.logs, 'trace'),
    modeCeiling: 'enforce',
    bedrockPolicies: false,
    now: () => new Date(),
    sleep: async (ms) => {
      state.sleeps.push(ms);
    },
    pace: 'none',
    timing: { rereadDelaysMs: [0, 0] },
  };
  return state;
}

const context = () => ({ getRemainingTimeInMillis: () => 600_000, awsRequestId: `req-${randomUUID()}` });

async function stateBucketKeys(): Promise<string[]> {
  const listed = await env.adminS3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key as string);
}

/** The pipeline's genuine desired state, as its source stage put it in the artifact bucket. */
async function genuineArtifact(): Promise<string> {
  return putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML });
}

/** The attacker's desired state in a bucket of their own. */
async function attackerArtifact(bucket = ATTACKER_BUCKET): Promise<{ bucket: string; key: string }> {
  const key = `forged/${randomUUID().slice(0, 8)}`;
  await env.adminS3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: zipFiles({ 'ai-optout.yaml': OPT_IN_EVERYONE }) }),
  );
  return { bucket, key };
}

/** `event` with its input artifact moved to another location. */
function withInput(event: PipelineEvent, at: { bucket: string; key: string }): PipelineEvent {
  const forged = structuredClone(event);
  const [input] = forged['CodePipeline.job'].data.inputArtifacts;
  if (input) input.location.s3Location = { bucketName: at.bucket, objectKey: at.key };
  return forged;
}

/** The enforce parameters an attacker sends, naming `pipelineExecutionId`. */
const ENFORCE_NEVER_FAIL = (pipelineExecutionId: string) => ({
  mode: 'enforce',
  failOn: 'never',
  pipelineExecutionId,
});

/**
 * What every refused job leaves: no Organizations call, no artifact read, nothing in the state bucket,
 * one failure answered (never a success), one log line naming the reason, one RejectedInvocations.
 */
async function expectNothingHappened(w: Wired, event: PipelineEvent, reason: RegExp): Promise<void> {
  expect(totalCalls(w.orgCalls)).toBe(0);
  expect(w.artifactReads).toBe(0);
  expect(await stateBucketKeys()).toEqual([]);
  const results = env.codePipeline.results().filter((r) => r.jobId === jobIdOf(event));
  expect(results.map((r) => r.kind)).not.toContain('success');
  const lines = w.logs.lines();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 'error', msg: 'job refused before reading anything' });
  expect(String(lines[0]?.refusal)).toMatch(reason);
  expect(w.logs.text()).not.toContain('sEcReT');
  expect(w.metrics).toHaveLength(1);
  expect(parseEmfLine(w.metrics[0] as string)).toMatchObject({ RejectedInvocations: 1 });
  expect((await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }))).Policies).toEqual([]);
}

describe('forged jobs: an event the pipeline never issued', () => {
  it('with its own artifact in its own bucket, enforce and failOn never: refused before anything is read', async () => {
    // Prepare: the attacker invents an execution id and points at their zip
    const w = wired();
    const event = withInput(
      pipelineEvent({ inputKey: 'x', userParameters: ENFORCE_NEVER_FAIL(randomUUID()) }),
      await attackerArtifact(),
    );

    // Act
    await runJob(event, context(), w.deps);

    // Assess: not even CodePipeline was asked; its answer to the invented job id is JobNotFoundException
    await expectNothingHappened(
      w,
      event,
      /is in s3:\/\/attacker-artifacts-999999999999, not in the pipeline's artifact bucket/,
    );
    expect(env.codePipeline.calls.map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'PutJobFailureResult JobNotFoundException',
    ]);
    expect(w.logs.lines()[0]?.result).toBe('CodePipeline refused the result (JobNotFoundException)');
  });

  it('with its own zip placed in the artifact bucket and an invented execution id: CodePipeline has no such execution', async () => {
    const w = wired();
    const event = withInput(
      pipelineEvent({ inputKey: 'x', userParameters: ENFORCE_NEVER_FAIL(randomUUID()) }),
      await attackerArtifact(ARTIFACT_BUCKET),
    );

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^not a job CodePipeline is running in ai-optout: it has no execution [0-9a-f-]{36}/,
    );
    // Asked again after each listing delay (a genuine execution may be listed late), then refused.
    expect(env.codePipeline.calls.map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'ListActionExecutions PipelineExecutionNotFoundException',
      'ListActionExecutions PipelineExecutionNotFoundException',
      'ListActionExecutions PipelineExecutionNotFoundException',
      'PutJobFailureResult JobNotFoundException',
    ]);
    expect(w.sleeps).toEqual([...LISTING_DELAYS_MS]);
  });

  it('riding a genuine running execution with its own artifact: the input artifacts are not those CodePipeline gave', async () => {
    // Prepare: a genuine job is running; the attacker copies its parameters but swaps the artifact
    const genuine = pipelineEvent({ inputKey: await genuineArtifact(), userParameters: { mode: 'enforce' } });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, genuine);
    const w = wired();
    const event = withInput(genuine, await attackerArtifact(ARTIFACT_BUCKET));
    event['CodePipeline.job'].id = randomUUID();

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /the event's input artifacts are not those CodePipeline gave AiOptOut\/Reconcile/,
    );
  });

  it('riding a genuine running execution with its own parameters (failOn never): the UserParameters are not those CodePipeline resolved', async () => {
    const genuine = pipelineEvent({ inputKey: await genuineArtifact() });
    const executionId = scriptJobExecution(env.codePipeline, PIPELINE_NAME, genuine);
    const w = wired();
    const event = structuredClone(genuine);
    event['CodePipeline.job'].id = randomUUID();
    event['CodePipeline.job'].data.actionConfiguration.configuration.UserParameters = JSON.stringify(
      ENFORCE_NEVER_FAIL(executionId),
    );

    await runJob(event, context(), w.deps);

    await expectNothingHappened(w, event, /the event's UserParameters are not those CodePipeline resolved/);
  });

  it('with its output artifact sent to another bucket: refused, no report leaves the pipeline', async () => {
    const genuine = pipelineEvent({ inputKey: await genuineArtifact(), outputKey: 'ai-optout/Report/abc' });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, genuine);
    const w = wired();
    const event = structuredClone(genuine);
    const [output] = event['CodePipeline.job'].data.outputArtifacts;
    if (output) output.location.s3Location.bucketName = ATTACKER_BUCKET;

    await runJob(event, context(), w.deps);

    await expectNothingHappened(w, event, /the artifact Report is in s3:\/\/attacker-artifacts/);
    const leaked = await env.adminS3.send(new ListObjectsV2Command({ Bucket: ATTACKER_BUCKET }));
    expect(leaked.Contents ?? []).toEqual([]);
  });

  it('naming an action of another function in the same execution: refused', async () => {
    const genuine = pipelineEvent({ inputKey: await genuineArtifact() });
    const other = actionExecutionFor(genuine, { actionName: 'Deploy' });
    (other.input?.resolvedConfiguration as Record<string, string>).FunctionName =
      'arn:aws:lambda:us-east-1:111111111111:function:deployer';
    // The execution runs a job of another function; none of this one.
    const executionId = scriptJobExecution(env.codePipeline, PIPELINE_NAME, genuine);
    env.codePipeline.addExecution(PIPELINE_NAME, executionId, [other]);
    const w = wired();

    await runJob(genuine, context(), w.deps);

    await expectNothingHappened(w, genuine, /its execution runs no action that invokes ai-optout-validate/);
  });
});

describe('replayed and borrowed jobs', () => {
  it('a genuine job sent again after its execution finished (no running execution): refused, nothing rolled back', async () => {
    // Prepare: an old run of the pipeline, long finished, and its event as it was delivered then
    const old = pipelineEvent({ inputKey: await genuineArtifact(), userParameters: { mode: 'enforce' } });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, old, { status: 'Succeeded' });
    const w = wired();

    await runJob(old, context(), w.deps);

    await expectNothingHappened(
      w,
      old,
      /its action AiOptOut\/Reconcile is Succeeded, not InProgress \(a finished job sent again\)/,
    );
  });

  it('a running execution of another pipeline (with this function and the same parameters): refused', async () => {
    const event = pipelineEvent({ inputKey: await genuineArtifact(), userParameters: { mode: 'enforce' } });
    scriptJobExecution(env.codePipeline, 'someone-elses-pipeline', event);
    const w = wired();

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^not a job CodePipeline is running in ai-optout: it has no execution/,
    );
  });
});

describe('parameters no one can rewrite', () => {
  it('a repeated key (failOn twice), even in a genuine running job: a ConfigurationError, nothing read', async () => {
    // Prepare: CodePipeline itself resolved this text (a stage built around a variable, as earlier versions were)
    const executionId = randomUUID();
    const text = `{"failOn":"drift","mode":"audit","pipelineExecutionId":"${executionId}","failOn":"never"}`;
    const event = pipelineEvent({ inputKey: await genuineArtifact(), userParameters: text });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, event, { executionId });
    const w = wired();

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^UserParameters repeat the key "failOn": each key may appear once/,
    );
    expect(failureTypeOf(event)).toBe('ConfigurationError');
  });

  it('an injected trigger in the stage of earlier versions ("trigger":"#{variables.trigger}" resolved to x","failOn":"never","mode":"enforce): refused', async () => {
    const executionId = randomUUID();
    const injected = 'x","failOn":"never","mode":"enforce';
    const text = `{"configPath":"ai-optout.yaml","mode":"audit","failOn":"drift","verify":"states","pipelineExecutionId":"${executionId}","trigger":"${injected}"}`;
    const event = pipelineEvent({ inputKey: await genuineArtifact(), userParameters: text });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, event, { executionId });
    const w = wired();

    await runJob(event, context(), w.deps);

    await expectNothingHappened(w, event, /^UserParameters repeat the keys "failOn", "mode"/);
  });

  it('an injected trigger today: the pipeline variable is only shown in the report; the parameters stay audit and failOn drift', async () => {
    // Prepare: someone starts the pipeline with a trigger variable built to break out of a JSON string
    const injected = 'x","failOn":"never","mode":"enforce';
    const { event, outputKey } = await genuineJob({ variables: { trigger: injected } });
    const w = wired();
    w.deps.pipeline.triggerVariable = 'trigger';

    await runJob(event, context(), w.deps);

    // Assess: the job ran in audit mode and failed on drift, as its own parameters say
    expect(failureTypeOf(event)).toBe('JobFailed');
    expect(writes(w.orgCalls)).toBe(0);
    const { files } = await readOutputArtifact(env.adminS3, outputKey);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report).toMatchObject({ mode: 'audit', trigger: injected });
    expect(w.metrics.map((m) => parseEmfLine(m).RejectedInvocations)).toEqual([undefined]);
  });
});

describe('a genuine job whose check cannot be made fails visibly', () => {
  it('AccessDenied on ListActionExecutions: a PermissionError naming codepipeline:ListActionExecutions, nothing read', async () => {
    const { event } = await genuineJob();
    env.codePipeline.failNext(1, {
      status: 400,
      type: 'AccessDeniedException',
      message: 'not authorized to perform: codepipeline:ListActionExecutions',
      operation: 'ListActionExecutions',
    });
    const w = wired();

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^AWS denied ListActionExecutions: the credentials in use need codepipeline:ListActionExecutions/,
    );
    expect(failureTypeOf(event)).toBe('PermissionError');
  });

  it('a pipeline name CodePipeline does not know: a ConfigurationError naming AI_OPTOUT_PIPELINE_NAME', async () => {
    const { event } = await genuineJob();
    const w = wired();
    w.deps.pipeline.name = 'ai-optout-renamed';

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^AI_OPTOUT_PIPELINE_NAME names the pipeline ai-optout-renamed, which CodePipeline does not know/,
    );
    expect(failureTypeOf(event)).toBe('ConfigurationError');
  });

  it('a function no ReconcileStage bound to a pipeline accepts no job: a ConfigurationError saying how to bind it', async () => {
    const { event } = await genuineJob();
    const w = wired();
    w.deps.pipeline = { name: undefined, artifactBucket: undefined, functionName: OWN_PIPELINE.functionName };

    await runJob(event, context(), w.deps);

    await expectNothingHappened(
      w,
      event,
      /^this function accepts no job: AI_OPTOUT_PIPELINE_NAME and AI_OPTOUT_ARTIFACT_BUCKET are not set, so it cannot confirm a job with its pipeline; add the function to a pipeline with ReconcileStage, which sets them$/,
    );
    expect(env.codePipeline.calls.map((c) => c.operation)).toEqual(['PutJobFailureResult']);
  });

  it('not a job at all: no call, one log line, one RejectedInvocations', async () => {
    const w = wired();

    await runJob({ 'CodePipeline.job': { data: {} } }, context(), w.deps);

    expect(env.codePipeline.calls).toEqual([]);
    expect(w.logs.lines()).toHaveLength(1);
    expect(parseEmfLine(w.metrics[0] as string)).toMatchObject({
      RejectedInvocations: 1,
      refusal: 'not-a-job',
    });
  });
});

describe('continuations', () => {
  it("a running job carrying the continuation token of another run's progress: refused, no Organizations call", async () => {
    // Prepare: the progress another pipeline execution saved, and a genuine job of this execution naming it
    const other = new ContinuationStore(env.adminS3, STATE_BUCKET);
    const token = await other.save({
      version: 2,
      firstJobId: randomUUID(),
      pipelineExecutionId: randomUUID(),
      createdAt: new Date().toISOString(),
      progress: {
        organization: { id: 'o-a1b2c3d4e5', managementAccountId: '111111111111' },
        hierarchy: { organizationalUnits: [], accounts: [], pending: ['r-ab12'] },
      },
    });
    const { event } = await genuineJob();
    (event['CodePipeline.job'].data as { continuationToken?: string }).continuationToken = token;
    const before = await stateBucketKeys();
    const w = wired();

    await runJob(event, context(), w.deps);

    expect(failureTypeOf(event)).toBe('ConfigurationError');
    expect(onlyFailureMessage(event)).toMatch(
      /^the continuation token names the progress of another pipeline execution/,
    );
    expect(totalCalls(w.orgCalls)).toBe(0);
    // The claim and its outcome are the only new objects: nothing of the run was written.
    expect((await stateBucketKeys()).filter((k) => !before.includes(k))).toEqual([
      `ai-optout/jobs/${jobIdOf(event)}.json`,
    ]);
  });
});

describe('the genuine job', () => {
  it('passes end to end: confirmed, claimed, applied in enforce mode, reported, with the trigger read from the execution', async () => {
    // Prepare
    const { event, outputKey } = await genuineJob({
      parameters: { mode: 'enforce' },
      variables: { trigger: 'schedule rate(1 day)' },
    });
    const w = wired();
    w.deps.pipeline.triggerVariable = 'trigger';

    // Act
    await runJob(event, context(), w.deps);

    // Assess
    const [result] = env.codePipeline.results();
    expect(result?.kind === 'success' ? result.outputVariables : result).toMatchObject({
      VERDICT: 'in-sync',
      MODE: 'enforce',
      ACCOUNTS: '7',
    });
    expect(env.codePipeline.calls.map((c) => c.operation)).toEqual([
      'ListActionExecutions',
      'GetPipelineExecution',
      'PutJobSuccessResult',
    ]);
    expect(writes(w.orgCalls)).toBe(7);
    const { files } = await readOutputArtifact(env.adminS3, outputKey);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).trigger).toBe(
      'schedule rate(1 day)',
    );
    expect(await stateBucketKeys()).toEqual(
      expect.arrayContaining([`ai-optout/jobs/${jobIdOf(event)}.json`, 'ai-optout/snapshots/latest.json']),
    );
    expect(w.metrics.map((m) => parseEmfLine(m).Verdict)).toEqual([0]);
    expect(w.logs.lines().filter((l) => l.msg === 'job refused before reading anything')).toEqual([]);
  });

  it('is asked about again when CodePipeline lists its execution late, and then runs', async () => {
    // Prepare: the first listing does not know the execution yet
    const { event } = await genuineJob({ parameters: { failOn: 'never' } });
    env.codePipeline.failNext(1, {
      status: 400,
      type: 'PipelineExecutionNotFoundException',
      operation: 'ListActionExecutions',
    });
    const w = wired();

    // Act
    await runJob(event, context(), w.deps);

    // Assess
    expect(env.codePipeline.calls.map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'ListActionExecutions PipelineExecutionNotFoundException',
      'ListActionExecutions ok',
      'PutJobSuccessResult ok',
    ]);
    expect(w.sleeps).toEqual([LISTING_DELAYS_MS[0]]);
    expect(resultOf(event).kind).toBe('success');
  });
});

/** A genuine job of the pipeline: its artifact in the artifact bucket, its execution running it. */
async function genuineJob(
  options: { parameters?: Record<string, unknown>; variables?: Record<string, string> } = {},
): Promise<{ event: PipelineEvent; outputKey: string }> {
  const outputKey = `ai-optout/AiOptOutRe/${randomUUID().slice(0, 7)}`;
  const event = pipelineEvent({
    inputKey: await genuineArtifact(),
    outputKey,
    userParameters: options.parameters ?? {},
  });
  scriptJobExecution(
    env.codePipeline,
    PIPELINE_NAME,
    event,
    options.variables ? { variables: options.variables } : {},
  );
  return { event, outputKey };
}

const writes = (counts: CallCounts) => totalCalls(counts, (op) => WRITE_OPERATIONS.has(op));

function resultOf(event: PipelineEvent): JobResult {
  const results = env.codePipeline.results().filter((r) => r.jobId === jobIdOf(event));
  expect(results).toHaveLength(1);
  return results[0] as JobResult;
}

function failureTypeOf(event: PipelineEvent): string | undefined {
  const result = resultOf(event);
  return result.kind === 'failure' ? result.failureDetails.type : undefined;
}

function onlyFailureMessage(event: PipelineEvent): string {
  const result = resultOf(event);
  return result.kind === 'failure' ? result.failureDetails.message : '';
}
