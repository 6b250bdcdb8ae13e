/**
 * The job answers exactly once before its deadline whatever the input or the network does: an
 * endpoint that accepts and never answers (Organizations, S3), a CPU-bound step that holds the timer
 * back, a CodePipeline endpoint that never answers, hostile artifacts, and malformed events. The production client
 * factories are used against the servers; the deadline is fired by the test (the `schedule` injection
 * point) and the calls' ages come from a fake clock, so nothing here depends on wall-clock speed.
 */
import { randomUUID } from 'node:crypto';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedRequestHandler, CallWatch } from '../../../lambdas/adapters/aws/bounded-calls.ts';
import { createOrganizationsClient } from '../../../lambdas/adapters/aws/clients.ts';
import { createCodePipelineClient } from '../../../lambdas/adapters/codepipeline/client.ts';
import { artifactS3Client } from '../../../lambdas/adapters/s3/artifacts.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { type JobDependencies, RESERVE_MS } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { scriptJobExecution } from '../../support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { hostileZip } from '../../support/hostile-inputs.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { type SilentServer, startSilentServer } from '../../support/silent-server.ts';
import { useJobEmulators } from './job-harness.ts';
import {
  ARTIFACT_BUCKET,
  ARTIFACT_CREDENTIALS,
  jobIdOf,
  logSink,
  OWN_PIPELINE,
  PIPELINE_NAME,
  type PipelineEvent,
  pipelineEvent,
  putInputArtifact,
  REGION,
} from './pipeline-fixtures.ts';

const REMAINING_MS = 600_000;
const BUDGET_S = (REMAINING_MS - RESERVE_MS) / 1000;

const env = useJobEmulators();
let silent: SilentServer;

beforeAll(async () => {
  silent = await startSilentServer();
});

afterAll(async () => {
  await silent?.stop();
});

interface Setup {
  deps: JobDependencies;
  logs: ReturnType<typeof logSink>;
  /** Fires the work deadline, as its timer would. */
  fire(): void;
  /** Moves the fake clock of the calls' ages on. */
  advance(ms: number): void;
}

/**
 * The job's dependencies as the handler wires them: Organizations at `organizations`, the artifact
 * S3 client built from the event's credentials at `s3` (moto unless a test says otherwise).
 */
function setup(options: { organizations?: string; s3?: string } = {}): Setup {
  let now = 0;
  let fire: (() => void) | undefined;
  const logs = logSink();
  const watch = new CallWatch(() => now);
  const deps: JobDependencies = {
    codePipeline: new CodePipelineClient({
      region: REGION,
      endpoint: env.codePipeline.endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    }),
    pipeline: { ...OWN_PIPELINE },
    organizations: (_roleArn, calls) =>
      createOrganizationsClient({
        endpoint: options.organizations ?? silent.endpoint,
        credentials: TEST_CREDENTIALS,
        ...(calls ? { watch: calls.watch, abortSignal: calls.signal } : {}),
      }),
    artifactS3: (credentials) =>
      artifactS3Client(credentials, {
        AWS_ENDPOINT_URL_S3: options.s3 ?? env.moto.endpoint,
        AWS_REGION: REGION,
      }),
    logger: createLogger(logs, 'trace'),
    modeCeiling: 'audit',
    bedrockPolicies: false,
    now: () => new Date(),
    sleep: async () => {},
    pace: 'none',
    calls: watch,
    timing: {
      schedule: (callback) => {
        fire = callback;
        return () => {
          fire = undefined;
        };
      },
    },
  };
  return { deps, logs, fire: () => fire?.(), advance: (ms) => (now += ms) };
}

/**
 * Fires the deadline once the silent server accepts the test's first connection, when the fake clock
 * says that call has waited `waitedMs`; returns how many connections there were before.
 */
function fireOnFirstConnection(s: Setup, waitedMs: number): number {
  const before = silent.connections.length;
  silent.onConnection(() => {
    if (silent.connections.length !== before + 1) return;
    s.advance(waitedMs);
    setImmediate(s.fire);
  });
  return before;
}

const context = (remaining: () => number = () => REMAINING_MS) => ({
  getRemainingTimeInMillis: remaining,
  awsRequestId: `req-${randomUUID()}`,
});

/** A job of the pipeline (its execution scripted in the fake CodePipeline) reading `files`. */
async function event(
  files: Record<string, string> = { 'ai-optout.yaml': EXAMPLE_YAML },
): Promise<PipelineEvent> {
  return issued(pipelineEvent({ inputKey: await putInputArtifact(env.adminS3, files) }));
}

function issued(e: PipelineEvent): PipelineEvent {
  scriptJobExecution(env.codePipeline, PIPELINE_NAME, e);
  return e;
}

/** Sends the job results (PutJob*) of `client` to `endpoint`; the confirmation still goes to the fake. */
function resultsTo(client: CodePipelineClient, endpoint: string): CodePipelineClient {
  const url = new URL(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { hostname: string; port?: number };
      if (String(context.commandName).startsWith('PutJob')) {
        request.hostname = url.hostname;
        request.port = Number(url.port);
      }
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'testResultsElsewhere' },
  );
  return client;
}

function onlyFailure(e: PipelineEvent): { type: string; message: string } {
  const results = env.codePipeline.results();
  expect(results).toHaveLength(1);
  const result = results[0];
  if (result?.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  expect(result.jobId).toBe(jobIdOf(e));
  return result.failureDetails;
}

describe('an endpoint that accepts the connection and never answers', () => {
  it('Organizations: one JobFailed at the deadline naming the step and the calls waiting, their sockets closed', async () => {
    // Prepare: the deadline fires once the first call to Organizations has waited 12 s
    const s = setup();
    const e = await event();
    const before = fireOnFirstConnection(s, 12_000);

    // Act
    await runJob(e, context(), s.deps);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    const failure = onlyFailure(e);
    expect(failure.type).toBe('JobFailed');
    expect(failure.message).toMatch(
      new RegExp(
        `^stopped 45 s before the Lambda deadline: reading the organization did not finish in ${BUDGET_S} s \\(Organizations (DescribeOrganization|ListRoots) to ${silent.endpoint} had no answer for 12 s`,
      ),
    );
    expect(failure.message).toMatch(
      /\. Raise the function timeout \(up to 15 minutes\) for an organization this large/,
    );
    const mine = silent.connections.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c) => c.closed)).toBe(true);
  });

  it('S3, for the input artifact: one JobFailed naming the artifact, the operation and the endpoint', async () => {
    // Prepare
    const s = setup({ s3: silent.endpoint });
    const e = await event();
    const key = e['CodePipeline.job'].data.inputArtifacts[0]?.location.s3Location.objectKey;
    fireOnFirstConnection(s, 3_000);

    // Act
    await runJob(e, context(), s.deps);

    // Assess
    const failure = onlyFailure(e);
    expect(failure).toEqual({
      type: 'JobFailed',
      message: `stopped 45 s before the Lambda deadline: reading the input artifact s3://${ARTIFACT_BUCKET}/${key} did not finish in ${BUDGET_S} s (S3 GetObject to ${silent.endpoint} had no answer for 3 s). Check that S3 answers at the endpoint named, or raise the function timeout (up to 15 minutes).`,
      externalExecutionId: expect.any(String),
    });
  });
});

describe('a step that keeps the CPU busy past the deadline', () => {
  it('is caught by the clock between steps, though the timer never fired', async () => {
    // Prepare: the Lambda's clock jumps past the work deadline while the artifact is read
    const s = setup();
    let remaining = REMAINING_MS;
    const base = s.deps.artifactS3;
    s.deps.artifactS3 = (credentials) => {
      const client = base(credentials);
      client.middlewareStack.add(
        (next) => async (args) => {
          const output = await next(args);
          remaining = RESERVE_MS - 1;
          return output;
        },
        { step: 'initialize', name: 'testClockJump' },
      );
      return client;
    };
    const e = await event();

    // Act
    await runJob(
      e,
      context(() => remaining),
      s.deps,
    );

    // Assess
    const failure = onlyFailure(e);
    expect(failure.type).toBe('JobFailed');
    expect(failure.message).toMatch(
      /^stopped 45 s before the Lambda deadline: reading the input artifact s3:\/\/[^ ]+ did not finish in 555 s\. /,
    );
  });
});

describe('a CodePipeline endpoint that never answers', () => {
  it('the job stops trying before the Lambda deadline and logs that the result could not be sent', async () => {
    // Prepare: 2.5 s left in all; the report is cut 1 s before the end
    const s = setup();
    s.deps.codePipeline = resultsTo(
      new CodePipelineClient({
        region: REGION,
        endpoint: env.codePipeline.endpoint,
        credentials: TEST_CREDENTIALS,
        requestHandler: boundedRequestHandler(),
      }),
      silent.endpoint,
    );
    s.deps.timing = { ...s.deps.timing, reserveMs: 2_000, minimumWorkMs: 0 };
    const end = Date.now() + 2_500;
    const e = await event({ 'ai-optout.yaml': 'version: 2\n' });

    // Act
    await runJob(
      e,
      context(() => end - Date.now()),
      s.deps,
    );

    // Assess
    const lines = s.logs.lines();
    const fatal = lines.filter((l) => l.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(String(fatal[0]?.msg)).toMatch(/^COULD NOT REPORT THE JOB RESULT \(AbortError\)/);
    expect(String(fatal[0]?.err)).toContain('the Lambda deadline is 1 s away');
    expect(lines.filter((l) => l.msg === 'reporting the job result failed')).toHaveLength(1);
  });

  it('when it does not answer the confirmation either: nothing is read, and one fatal line says the job could not be answered', async () => {
    // Prepare: 2.5 s left in all; the work stops 2 s before the end, the answer 1 s before it
    const s = setup();
    s.deps.codePipeline = createCodePipelineClient({
      region: REGION,
      endpoint: silent.endpoint,
      credentials: TEST_CREDENTIALS,
      ...(s.deps.calls ? { watch: s.deps.calls } : {}),
    });
    s.deps.timing = { ...s.deps.timing, reserveMs: 2_000, minimumWorkMs: 0 };
    const reads: string[] = [];
    s.deps.artifactS3 = () => {
      reads.push('artifact');
      throw new Error('the artifact must not be read');
    };
    const end = Date.now() + 2_500;
    const e = await event();
    fireOnFirstConnection(s, 3_000);

    // Act
    await runJob(
      e,
      context(() => end - Date.now()),
      s.deps,
    );

    // Assess
    expect(reads).toEqual([]);
    expect(s.logs.lines()).toEqual([
      expect.objectContaining({
        level: 'fatal',
        msg: 'job refused before reading anything',
        type: 'JobFailed',
        result: 'CodePipeline refused the result (AbortError)',
      }),
    ]);
    expect(String(s.logs.lines()[0]?.refusal)).toMatch(
      /^stopped 2 s before the Lambda deadline: confirming the job with CodePipeline \(ListActionExecutions of ai-optout\) did not finish in \d s \(CodePipeline ListActionExecutions to http:\/\/127\.0\.0\.1:\d+ had no answer for 3 s\)/,
    );
  });
});

describe('hostile input artifacts', () => {
  it('the crafted zip (20,000 entries over one 64 MiB stream): one ConfigurationError, nothing inflated, Organizations not called', async () => {
    // Prepare
    const s = setup();
    const key = `Config/${randomUUID().slice(0, 7)}`;
    await env.adminS3.send(
      new PutObjectCommand({
        Bucket: ARTIFACT_BUCKET,
        Key: key,
        Body: hostileZip({ entries: 20_000, inflatedBytes: 64 * 1024 * 1024 }),
      }),
    );
    const e = issued(pipelineEvent({ inputKey: key }));
    const before = silent.connections.length;

    // Act
    await runJob(e, context(), s.deps);

    // Assess
    expect(onlyFailure(e)).toMatchObject({
      type: 'ConfigurationError',
      message:
        'the input artifact Config is not a zip this action reads: entries `ai-optout.yaml` and `ai-optout.yaml` share the same bytes (the zip is crafted or damaged)',
    });
    expect(silent.connections.length).toBe(before);
  });

  it('a 1 MiB scalar: the diagnostic survives in the message, every log line stays short, no credential in the logs', async () => {
    // Prepare
    const s = setup();
    const e = await event({
      'ai-optout.yaml': `version: 1\nmode: ${'x'.repeat(1024 * 1024 - 64)}\npolicies: []\n`,
    });

    // Act
    await runJob(e, context(), s.deps);

    // Assess
    const failure = onlyFailure(e);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message.split('\n')).toEqual([
      'ai-optout.yaml in Config is not valid (2 errors)',
      `ai-optout.yaml:2:7: error: mode: \`${'x'.repeat(200)}… (1,048,512 characters)\` is not allowed; expected \`audit\` or \`enforce\` (values are case-sensitive)`,
      'ai-optout.yaml:3:11: error: policies: must list at least one policy',
    ]);
    const longest = Math.max(
      ...s.logs
        .text()
        .split('\n')
        .map((l) => l.length),
    );
    expect(longest).toBeLessThan(8_000);
    expect(s.logs.text()).not.toContain(ARTIFACT_CREDENTIALS.secretAccessKey);
  });
});

describe('many diagnostics', () => {
  it('5,000 errors: the message ends "… and N more" and the log line of the failure stays short', async () => {
    // Prepare
    const s = setup();
    const unknown = Array.from({ length: 5_000 }, (_, i) => `unknown${i}: 1`).join('\n');
    const e = await event({ 'ai-optout.yaml': `${EXAMPLE_YAML}\n${unknown}\n` });

    // Act
    await runJob(e, context(), s.deps);

    // Assess
    const failure = onlyFailure(e);
    expect(failure.message).toMatch(/^ai-optout\.yaml in Config is not valid \(5000 errors\)\n/);
    expect(failure.message).toMatch(/\n… and \d+ more$/);
    const logged = s.logs.lines().find((l) => l.msg === 'job failed');
    expect(logged?.diagnostics).toBe(5_000);
    expect(JSON.stringify(logged).length).toBeLessThan(12_000);
  });

  it('30 warnings: 20 logged one per line, then one line counting the other 10', async () => {
    // Prepare: 30 service keys that are not in the known list
    const services = Array.from({ length: 30 }, (_, i) => `      future${i}: optOut`).join('\n');
    const yaml = `version: 1\npolicies:\n  - name: future\n    lock: none\n    services:\n${services}\n    targets: [root]\n`;
    const e = await event({ 'ai-optout.yaml': yaml });

    // Act
    const s = setup({ organizations: 'http://127.0.0.1:9' });
    await runJob(e, context(), s.deps);

    // Assess
    const lines = s.logs.lines();
    expect(lines.filter((l) => l.msg === 'desired-state warning')).toHaveLength(20);
    expect(lines.find((l) => String(l.msg).startsWith('more desired-state warnings'))?.more).toBe(10);
  });
});

describe('malformed job events', () => {
  const valid = () => pipelineEvent({ inputKey: 'Config/in.zip' })['CodePipeline.job'];
  it.each([
    ['no data', () => ({ id: randomUUID() }), 'CodePipeline.job.data is missing'],
    [
      'no artifactCredentials',
      () => ({ ...valid(), data: { ...valid().data, artifactCredentials: undefined } }),
      'CodePipeline.job.data.artifactCredentials is missing',
    ],
    [
      'an input artifact without location',
      () => ({ ...valid(), data: { ...valid().data, inputArtifacts: [{ name: 'Config', revision: null }] } }),
      'CodePipeline.job.data.inputArtifacts.0.location is missing',
    ],
    [
      'UserParameters that are not a string',
      () => ({
        ...valid(),
        data: {
          ...valid().data,
          actionConfiguration: { configuration: { FunctionName: 'f', UserParameters: 42 } },
        },
      }),
      'CodePipeline.job.data.actionConfiguration.configuration.UserParameters must be a string, not a number',
    ],
    [
      'inputArtifacts that are not a list',
      () => ({ ...valid(), data: { ...valid().data, inputArtifacts: 'Config' } }),
      'CodePipeline.job.data.inputArtifacts must be a list, not a string',
    ],
  ])('%s: one ConfigurationError naming the field', async (_name, make, field) => {
    // Prepare
    const s = setup();
    const job = make();

    // Act
    await runJob({ 'CodePipeline.job': job }, context(), s.deps);

    // Assess
    const results = env.codePipeline.results();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      kind: 'failure',
      jobId: job.id,
      failureDetails: {
        type: 'ConfigurationError',
        message: `the job event is malformed: ${field}; CodePipeline's Lambda invoke action always sends it, so check what invokes this function`,
      },
    });
  });
});
