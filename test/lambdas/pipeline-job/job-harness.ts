/**
 * The one harness of the pipeline-job tests that run the real runJob: real SDK clients against moto
 * (Organizations, S3, KMS, Security Hub), a fault proxy in front of moto's Organizations for AWS errors
 * and DescribeEffectivePolicy, and the fake CodePipeline job API that enforces the API's limits.
 *
 * The emulators are started once per test worker and shared by every file that calls useJobEmulators
 * (test files share their worker's modules: vitest.config.ts, `isolate: false`); a worker runs one file
 * at a time, and everything is reset before each test. Nothing stops them but the worker's exit (moto.ts
 * kills its server then; the proxy and the fake are servers of the worker itself).
 */
import { randomUUID } from 'node:crypto';
import {
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { beforeAll, beforeEach, expect } from 'vitest';
import { createCodePipelineClient } from '../../../lambdas/adapters/codepipeline/client.ts';
import type { ArtifactCredentials } from '../../../lambdas/adapters/s3/artifacts.ts';
import type { Mode } from '../../../lambdas/domain/contract.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { type JobDependencies, stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { convergeTo } from '../../support/apply-live.ts';
import { type CallCounts, countCalls, totalCalls, WRITE_OPERATIONS } from '../../support/call-counts.ts';
import {
  type CodePipelineEndpoint,
  type JobResult,
  type RecordedCall,
  scriptJobExecution,
  startCodePipelineEndpoint,
} from '../../support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../../support/moto.ts';
import { addAccount, createLzaOrg, type MotoOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
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
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

export const SUMMARY_LIMIT = 2048;
export const MESSAGE_LIMIT = 5000;
const OUTPUT_VARIABLES = ['VERDICT', 'CHANGES', 'VIOLATIONS', 'EFFECTIVE_CHANGES', 'ACCOUNTS', 'MODE'];

export interface JobEmulators {
  moto: MotoServer;
  proxy: FaultProxy;
  codePipeline: CodePipelineEndpoint;
  /** Talks to moto directly: seeding the organization and changes made behind the job's back. */
  admin: OrganizationsClient;
  adminS3: S3Client;
}

let shared: Promise<JobEmulators> | undefined;
let started: JobEmulators | undefined;

/** The worker's emulators, once a file's beforeAll has started them. */
export function emulators(): JobEmulators {
  if (!started) throw new Error('the job emulators are used before useJobEmulators() started them');
  return started;
}

async function startEmulators(): Promise<JobEmulators> {
  const moto = await startMoto();
  const [proxy, codePipeline] = await Promise.all([
    startFaultProxy(moto.endpoint),
    startCodePipelineEndpoint(),
  ]);
  const admin = new OrganizationsClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: TEST_CREDENTIALS,
  });
  return { moto, proxy, codePipeline, admin, adminS3: adminS3Client(moto.endpoint) };
}

/**
 * The emulators for a test file: the worker's, reset before each test, with the artifact and state
 * buckets created. Call at the top level of the file; read the fields inside tests and hooks.
 */
export function useJobEmulators(): JobEmulators {
  beforeAll(async () => {
    shared ??= startEmulators();
    started = await shared;
  });
  beforeEach(async () => {
    const env = emulators();
    await env.moto.reset();
    env.proxy.clearFaults();
    env.proxy.effectivePolicies.clear();
    env.proxy.guardrails.clear();
    env.proxy.seen.length = 0;
    env.proxy.signed.length = 0;
    env.codePipeline.reset();
    await createBuckets(env.adminS3, ARTIFACT_BUCKET, STATE_BUCKET);
  });
  return {
    get moto() {
      return emulators().moto;
    },
    get proxy() {
      return emulators().proxy;
    },
    get codePipeline() {
      return emulators().codePipeline;
    },
    get admin() {
      return emulators().admin;
    },
    get adminS3() {
      return emulators().adminS3;
    },
  };
}

export interface Harness {
  deps: JobDependencies;
  /** Organizations calls per operation, over every client the job created. */
  orgCalls: CallCounts;
  /** The credentials the job built its artifact S3 clients with. */
  artifactCredentials: ArtifactCredentials[];
  roleArns: (string | undefined)[];
  sleeps: number[];
  logs: ReturnType<typeof logSink>;
  context: { getRemainingTimeInMillis(): number; awsRequestId: string };
}

/**
 * The job's dependencies as the handler wires them, but pointed at the emulators: Organizations
 * through the fault proxy (3 attempts, no backoff delay), the artifact S3 client built from the event's
 * credentials, CodePipeline at the fake endpoint (the production client: its attempts are the only
 * retries of a result), the state bucket's stores when asked for, a sleep that does not sleep, and logs
 * captured at trace level. As a deployment by default, without the Bedrock grants (`bedrockPolicies`).
 */
export function harness(
  options: {
    modeCeiling?: Mode;
    stateBucket?: boolean;
    orgAttempts?: number;
    bedrockPolicies?: boolean;
  } = {},
): Harness {
  const env = emulators();
  const recorded = { orgCalls: {}, artifactCredentials: [], roleArns: [], sleeps: [], logs: logSink() };
  const h = { ...recorded } as Omit<Harness, 'deps' | 'context'>;
  const deps: JobDependencies = {
    codePipeline: createCodePipelineClient({
      region: REGION,
      endpoint: env.codePipeline.endpoint,
      credentials: TEST_CREDENTIALS,
    }),
    pipeline: { ...OWN_PIPELINE },
    organizations: (roleArn) => {
      h.roleArns.push(roleArn);
      const retryStrategy = new ConfiguredRetryStrategy(options.orgAttempts ?? 3, 0);
      const client = new OrganizationsClient({
        region: REGION,
        endpoint: env.proxy.endpoint,
        credentials: TEST_CREDENTIALS,
        retryStrategy,
      });
      countCalls(client, h.orgCalls);
      return client;
    },
    artifactS3: (credentials) => {
      h.artifactCredentials.push({ ...credentials });
      const { accessKeyId, secretAccessKey, sessionToken } = credentials;
      return new S3Client({
        region: REGION,
        endpoint: env.moto.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      });
    },
    ...(options.stateBucket ? { stateBucket: stateStores(env.adminS3, STATE_BUCKET) } : {}),
    logger: createLogger(h.logs, 'trace'),
    modeCeiling: options.modeCeiling ?? 'audit',
    bedrockPolicies: options.bedrockPolicies ?? false,
    now: () => new Date(),
    sleep: async (ms) => {
      h.sleeps.push(ms);
    },
    pace: 'none',
    timing: { rereadDelaysMs: [0, 0] },
    bedrockEndpoint: env.proxy.endpoint,
  };
  const context = { getRemainingTimeInMillis: () => 600_000, awsRequestId: `req-${randomUUID()}` };
  return { ...h, deps, context };
}

export interface JobOptions {
  files?: Record<string, string>;
  userParameters?: string | Record<string, unknown>;
  output?: boolean;
  kmsKeyArn?: string;
  revision?: string;
  issued?: boolean;
  variables?: Record<string, string>;
  /** A duplicate delivery overtakes the result: the action is still InProgress for it. */
  overtaken?: boolean;
}

/**
 * Uploads the input zip and builds the event; unless `issued` is false, CodePipeline (the fake) runs
 * the job: its pipeline execution has the job's action execution, InProgress, with `variables`.
 */
export async function job(
  options: JobOptions = {},
): Promise<{ event: PipelineEvent; outputKey: string | undefined }> {
  const env = emulators();
  const inputKey = await putInputArtifact(env.adminS3, options.files ?? { 'ai-optout.yaml': EXAMPLE_YAML }, {
    ...(options.kmsKeyArn ? { kmsKeyArn: options.kmsKeyArn } : {}),
  });
  const outputKey = options.output ? `lza-pipeline/Report/${randomUUID().slice(0, 7)}` : undefined;
  const event = pipelineEvent({
    inputKey,
    ...(outputKey ? { outputKey } : {}),
    ...('userParameters' in options ? { userParameters: options.userParameters } : {}),
    ...(options.kmsKeyArn ? { encryptionKeyArn: options.kmsKeyArn } : {}),
    ...(options.revision ? { revision: options.revision } : {}),
  });
  if (options.issued !== false && typeof options.userParameters !== 'string')
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, event, {
      ...(options.variables ? { variables: options.variables } : {}),
      ...(options.overtaken ? { endsOnResult: false } : {}),
    });
  return { event, outputKey };
}

/** The calls that reported a result (the others confirmed the job). */
export function resultCalls(): RecordedCall[] {
  return emulators().codePipeline.calls.filter((c) => c.operation.startsWith('PutJob'));
}

/** The single result CodePipeline recorded for the job, checked against the API's limits (docs/pipeline-job.md). */
export function onlyResult(event: PipelineEvent): JobResult {
  const results = emulators().codePipeline.results();
  expect(results).toHaveLength(1);
  const result = results[0] as JobResult;
  expect(result.jobId).toBe(jobIdOf(event));
  if (result.kind === 'success') {
    const summary = result.executionDetails?.summary ?? '';
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(result.executionDetails?.percentComplete).toBe(100);
    // The six always; a run of more than one policy type adds CHANGES_<type> and VIOLATIONS_<type> for each.
    const keys = Object.keys(result.outputVariables ?? {});
    expect(keys.filter((k) => OUTPUT_VARIABLES.includes(k)).sort()).toEqual([...OUTPUT_VARIABLES].sort());
    const perType = keys.filter((k) => !OUTPUT_VARIABLES.includes(k));
    for (const key of perType) expect(key).toMatch(/^(CHANGES|VIOLATIONS)_[A-Z][A-Z_]*$/);
    expect(perType.length === 0 || perType.length >= 4).toBe(true);
    for (const value of Object.values(result.outputVariables ?? {})) expect(typeof value).toBe('string');
  } else {
    expect(result.failureDetails.message.length).toBeGreaterThan(0);
    expect(result.failureDetails.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  }
  return result;
}

export function failureOf(event: PipelineEvent): { type: string; message: string; lines: string[] } {
  const result = onlyResult(event);
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { ...result.failureDetails, lines: result.failureDetails.message.split('\n') };
}

export function successOf(event: PipelineEvent): {
  summary: string;
  lines: string[];
  variables: Record<string, string>;
} {
  const result = onlyResult(event);
  if (result.kind !== 'success') throw new Error(`expected a success, got ${JSON.stringify(result)}`);
  const summary = result.executionDetails?.summary as string;
  return { summary, lines: summary.split('\n'), variables: result.outputVariables ?? {} };
}

export const writes = (counts: CallCounts) => totalCalls(counts, (op) => WRITE_OPERATIONS.has(op));

/** The AI opt-out policies in moto, with their targets. */
export async function aiPolicies(): Promise<{ name: string; targets: string[] }[]> {
  const env = emulators();
  const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
  return Promise.all(
    (list.Policies ?? []).map(async (p) => {
      const targets = await env.admin.send(new ListTargetsForPolicyCommand({ PolicyId: p.Id as string }));
      return {
        name: p.Name as string,
        targets: (targets.Targets ?? []).map((t) => t.TargetId as string).sort(),
      };
    }),
  );
}

/** Brings the organization in line with the example desired state, as an earlier enforce run would. */
export async function converge(): Promise<void> {
  await convergeTo(EXAMPLE_YAML, emulators().admin);
}

/**
 * Makes the job's deadline fire when the Organizations operation `operation` is called for the `nth`
 * time (the call itself goes through; the throttle refuses every later one).
 */
export function withDeadlineAt(h: Harness, operation: string, nth: number): void {
  let fire: (() => void) | undefined;
  h.deps.timing = {
    ...h.deps.timing,
    schedule: (callback) => {
      fire = callback;
      return () => {
        fire = undefined;
      };
    },
  };
  const base = h.deps.organizations;
  h.deps.organizations = (roleArn) => {
    const client = base(roleArn);
    let seen = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === `${operation}Command` && ++seen === nth) fire?.();
        return next(args);
      },
      { step: 'initialize', name: 'testDeadline' },
    );
    return client;
  };
}

/** The LZA organization plus 60 accounts, and a file declaring a policy on each: 68 changes, 67 violations. */
export async function bulkOrganization(): Promise<{ org: MotoOrg; yaml: string }> {
  const env = emulators();
  const org = await createLzaOrg(env.admin);
  const bulk = Array.from({ length: 60 }, (_, i) => `bulk-account-${String(i).padStart(2, '0')}`);
  for (const name of bulk) await addAccount(env.admin, org, name, 'Bulk');
  const yaml = EXAMPLE_YAML.replace(
    '\n# Guardrail',
    `\n  - name: ai-optout-bulk\n    default: optOut\n    lock: none\n    targets:\n${bulk.map((n) => `      - account: ${n}\n`).join('')}\n# Guardrail`,
  );
  return { org, yaml };
}
