/**
 * The pipeline job end to end: the real runJob (and, once, the real `handler` export) with real SDK
 * clients against moto (Organizations, S3, KMS), a fault proxy for AWS errors, and a fake CodePipeline
 * job API that enforces the API's limits. Every test asserts the one result CodePipeline recorded.
 */

import { randomUUID } from 'node:crypto';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCodePipelineClient } from '../../../lambdas/adapters/codepipeline/client.ts';
import type { ArtifactCredentials } from '../../../lambdas/adapters/s3/artifacts.ts';
import { ContinuationStore } from '../../../lambdas/adapters/s3/continuations.ts';
import { JobLedger } from '../../../lambdas/adapters/s3/job-ledger.ts';
import { LatestRun } from '../../../lambdas/adapters/s3/latest-run.ts';
import type { Mode } from '../../../lambdas/domain/contract.ts';
import { FINDING_GENERATOR } from '../../../lambdas/domain/findings.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { type JobDependencies, RESERVE_MS } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/pipeline-job/logger.ts';
import { convergeTo } from '../../support/apply-live.ts';
import { type CallCounts, countCalls, totalCalls, WRITE_OPERATIONS } from '../../support/call-counts.ts';
import {
  type CodePipelineEndpoint,
  type JobResult,
  type RecordedCall,
  scriptJobExecution,
  startCodePipelineEndpoint,
} from '../../support/codepipeline-endpoint.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.ts';
import { type MotoServer, startMoto } from '../../support/moto.ts';
import { addAccount, createLzaOrg, type MotoOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { withEnvironment } from '../../support/process-env.ts';
import {
  ARTIFACT_BUCKET,
  ARTIFACT_CREDENTIALS,
  adminS3Client,
  CONFIG_YAML,
  createBuckets,
  createKmsKey,
  jobIdOf,
  logSink,
  OWN_PIPELINE,
  OWN_PIPELINE_ENVIRONMENT,
  PIPELINE_ACCOUNT,
  PIPELINE_NAME,
  type PipelineEvent,
  pipelineEvent,
  putInputArtifact,
  REGION,
  readOutputArtifact,
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

const SUMMARY_LIMIT = 2048;
const MESSAGE_LIMIT = 5000;
/** A pipeline execution id, as `#{codepipeline.PipelineExecutionId}` resolves. */
const EXECUTION_ID = '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60';
const OUTPUT_VARIABLES = ['VERDICT', 'CHANGES', 'VIOLATIONS', 'EFFECTIVE_CHANGES', 'ACCOUNTS', 'MODE'];

let moto: MotoServer;
let proxy: FaultProxy;
let codePipeline: CodePipelineEndpoint;
let admin: OrganizationsClient;
let adminS3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  codePipeline = await startCodePipelineEndpoint();
  admin = new OrganizationsClient({ region: REGION, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS });
  adminS3 = adminS3Client(moto.endpoint);
});

afterAll(async () => {
  admin?.destroy();
  adminS3?.destroy();
  await codePipeline?.stop();
  await proxy?.stop();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  proxy.clearFaults();
  proxy.effectivePolicies.clear();
  proxy.seen.length = 0;
  codePipeline.reset();
  await createBuckets(adminS3, ARTIFACT_BUCKET, STATE_BUCKET);
});

interface Harness {
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
 * retries of a result), a sleep that does not sleep, and logs captured at trace level.
 */
function harness(options: { modeCeiling?: Mode; ledger?: boolean; orgAttempts?: number } = {}): Harness {
  const orgCalls: CallCounts = {};
  const artifactCredentials: ArtifactCredentials[] = [];
  const roleArns: (string | undefined)[] = [];
  const sleeps: number[] = [];
  const logs = logSink();
  const deps: JobDependencies = {
    codePipeline: createCodePipelineClient({
      region: REGION,
      endpoint: codePipeline.endpoint,
      credentials: TEST_CREDENTIALS,
    }),
    pipeline: { ...OWN_PIPELINE },
    organizations: (roleArn) => {
      roleArns.push(roleArn);
      const client = new OrganizationsClient({
        region: REGION,
        endpoint: proxy.endpoint,
        credentials: TEST_CREDENTIALS,
        retryStrategy: new ConfiguredRetryStrategy(options.orgAttempts ?? 3, 0),
      });
      countCalls(client, orgCalls);
      return client;
    },
    artifactS3: (credentials) => {
      artifactCredentials.push({ ...credentials });
      return new S3Client({
        region: REGION,
        endpoint: moto.endpoint,
        forcePathStyle: true,
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
        },
      });
    },
    ...(options.ledger ? { ledger: new JobLedger(adminS3, STATE_BUCKET) } : {}),
    logger: createLogger(logs, 'trace'),
    modeCeiling: options.modeCeiling ?? 'audit',
    now: () => new Date(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    pace: 'none',
    verifyDelaysMs: [0, 0],
  };
  return {
    deps,
    orgCalls,
    artifactCredentials,
    roleArns,
    sleeps,
    logs,
    context: { getRemainingTimeInMillis: () => 600_000, awsRequestId: `req-${randomUUID()}` },
  };
}

/**
 * Uploads the input zip and builds the event; unless `issued` is false, CodePipeline (the fake) runs
 * the job: its pipeline execution has the job's action execution, InProgress, with `variables`.
 */
async function job(
  options: {
    files?: Record<string, string>;
    userParameters?: string | Record<string, unknown>;
    output?: boolean;
    kmsKeyArn?: string;
    revision?: string;
    issued?: boolean;
    variables?: Record<string, string>;
    /** A duplicate delivery overtakes the result: the action is still InProgress for it. */
    overtaken?: boolean;
  } = {},
): Promise<{ event: PipelineEvent; outputKey: string | undefined }> {
  const inputKey = await putInputArtifact(adminS3, options.files ?? { 'ai-optout.yaml': CONFIG_YAML }, {
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
    scriptJobExecution(codePipeline, PIPELINE_NAME, event, {
      ...(options.variables ? { variables: options.variables } : {}),
      ...(options.overtaken ? { endsOnResult: false } : {}),
    });
  return { event, outputKey };
}

/** The calls that reported a result (the others confirmed the job). */
function resultCalls(): RecordedCall[] {
  return codePipeline.calls.filter((c) => c.operation.startsWith('PutJob'));
}

/** The single result CodePipeline recorded for the job, checked against the API's limits (docs/pipeline-job.md). */
function onlyResult(event: PipelineEvent): JobResult {
  const results = codePipeline.results();
  expect(results).toHaveLength(1);
  const result = results[0] as JobResult;
  expect(result.jobId).toBe(jobIdOf(event));
  if (result.kind === 'success') {
    const summary = result.executionDetails?.summary ?? '';
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(result.executionDetails?.percentComplete).toBe(100);
    expect(Object.keys(result.outputVariables ?? {}).sort()).toEqual([...OUTPUT_VARIABLES].sort());
    for (const value of Object.values(result.outputVariables ?? {})) expect(typeof value).toBe('string');
  } else {
    expect(result.failureDetails.message.length).toBeGreaterThan(0);
    expect(result.failureDetails.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  }
  return result;
}

function failureOf(event: PipelineEvent): { type: string; message: string; lines: string[] } {
  const result = onlyResult(event);
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { ...result.failureDetails, lines: result.failureDetails.message.split('\n') };
}

function successOf(event: PipelineEvent): {
  summary: string;
  lines: string[];
  variables: Record<string, string>;
} {
  const result = onlyResult(event);
  if (result.kind !== 'success') throw new Error(`expected a success, got ${JSON.stringify(result)}`);
  const summary = result.executionDetails?.summary as string;
  return { summary, lines: summary.split('\n'), variables: result.outputVariables ?? {} };
}

const writes = (counts: CallCounts) => totalCalls(counts, (op) => WRITE_OPERATIONS.has(op));

async function aiPolicies(): Promise<{ name: string; targets: string[] }[]> {
  const list = await admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
  return Promise.all(
    (list.Policies ?? []).map(async (p) => {
      const targets = await admin.send(new ListTargetsForPolicyCommand({ PolicyId: p.Id as string }));
      return {
        name: p.Name as string,
        targets: (targets.Targets ?? []).map((t) => t.TargetId as string).sort(),
      };
    }),
  );
}

/** Brings the organization in line with config/ai-optout.yaml, as an earlier enforce run would. */
async function converge(): Promise<void> {
  await convergeTo(CONFIG_YAML, admin);
}

/**
 * A harness whose deadline fires when the Organizations operation `operation` is called for the
 * `nth` time (the call itself goes through; the throttle refuses every later one).
 */
function withDeadlineAt(h: Harness, operation: string, nth: number): void {
  let fire: (() => void) | undefined;
  h.deps.schedule = (callback) => {
    fire = callback;
    return () => {
      fire = undefined;
    };
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

// ------------------------------------------------------------------------------------------------

describe('pipeline job: success', () => {
  it('failOn never with drift succeeds with all six output variables and the report in the summary', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job({ userParameters: { failOn: 'never' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { summary, lines, variables } = successOf(event);
    expect(variables).toEqual({
      VERDICT: 'drift',
      CHANGES: '7',
      VIOLATIONS: '7',
      EFFECTIVE_CHANGES: '11',
      ACCOUNTS: '7',
      MODE: 'audit',
    });
    expect(lines[0]).toBe(
      'drift: 7 changes, 7 accounts would change effective settings, 7 violations in 7 accounts; 7 of 7 accounts non-compliant (mode audit)',
    );
    expect(lines).toHaveLength(1 + 7 + 7);
    expect(lines[1]).toMatch(/^enable-policy-type → Root: AISERVICES_OPT_OUT_POLICY is not enabled/);
    expect(lines).toContain(
      'attach-policy ai-optout-production → Root/Workloads/Prod: attach ai-optout-production to Root/Workloads/Prod',
    );
    expect(lines.filter((l) => l.startsWith('violation: '))).toHaveLength(7);
    expect(summary).not.toMatch(/… and \d+ more/);
    // read with the job's artifact credentials, in audit mode: no write to the organization
    expect(h.artifactCredentials).toEqual([
      {
        accessKeyId: ARTIFACT_CREDENTIALS.accessKeyId,
        secretAccessKey: ARTIFACT_CREDENTIALS.secretAccessKey,
        sessionToken: ARTIFACT_CREDENTIALS.sessionToken,
        expirationTime: ARTIFACT_CREDENTIALS.expirationTime,
      },
    ]);
    expect(h.roleArns).toEqual([undefined]);
    expect(totalCalls(h.orgCalls)).toBeGreaterThan(0);
    expect(writes(h.orgCalls)).toBe(0);
    expect(resultCalls()[0]?.input?.executionDetails).toMatchObject({
      externalExecutionId: h.context.awsRequestId,
    });
  });

  it('failOn violations with drift but no violations succeeds (VERDICT drift, VIOLATIONS 0)', async () => {
    // Prepare: in sync, then someone edits a managed policy's description by hand
    await createLzaOrg(admin);
    await converge();
    const list = await admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const production = list.Policies?.find((p) => p.Name === 'ai-optout-production');
    await admin.send(new UpdatePolicyCommand({ PolicyId: production?.Id, Description: 'edited by hand' }));
    const h = harness();
    const { event } = await job({ userParameters: { failOn: 'violations' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { lines, variables } = successOf(event);
    expect(variables).toEqual({
      VERDICT: 'drift',
      CHANGES: '1',
      VIOLATIONS: '0',
      EFFECTIVE_CHANGES: '0',
      ACCOUNTS: '7',
      MODE: 'audit',
    });
    expect(lines[0]).toMatch(
      /^drift: 1 change, 0 violations in 0 accounts; 0 of 7 accounts non-compliant \(mode audit\)$/,
    );
    expect(lines[1]).toMatch(/^update-policy ai-optout-production/);
  });

  it('the same drift fails the default failOn (drift) with JobFailed', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const list = await admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const production = list.Policies?.find((p) => p.Name === 'ai-optout-production');
    await admin.send(new UpdatePolicyCommand({ PolicyId: production?.Id, Description: 'edited by hand' }));
    const h = harness();
    const { event } = await job({ userParameters: {} });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toBe(
      'drift: 1 change, 0 violations in 0 accounts; 0 of 7 accounts non-compliant (mode audit)',
    );
    expect(failure.lines).toHaveLength(2);
    expect(failure.lines[1]).toMatch(/^update-policy ai-optout-production/);
  });

  it('an organization in sync succeeds with VERDICT in-sync under the default failOn', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const h = harness();
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { summary, variables } = successOf(event);
    expect(summary).toBe('in-sync: 7 accounts match the desired state and expect (mode audit)');
    expect(variables).toEqual({
      VERDICT: 'in-sync',
      CHANGES: '0',
      VIOLATIONS: '0',
      EFFECTIVE_CHANGES: '0',
      ACCOUNTS: '7',
      MODE: 'audit',
    });
  });
});

/** The LZA organization plus 60 accounts, and a file declaring a policy on each: 68 changes, 67 violations. */
async function bulkOrganization(): Promise<{ org: MotoOrg; yaml: string }> {
  const org = await createLzaOrg(admin);
  const bulk = Array.from({ length: 60 }, (_, i) => `bulk-account-${String(i).padStart(2, '0')}`);
  for (const name of bulk) await addAccount(admin, org, name, 'Bulk');
  const yaml = CONFIG_YAML.replace(
    '\n# Guardrail',
    `\n  - name: ai-optout-bulk\n    default: optOut\n    lock: none\n    targets:\n${bulk.map((n) => `      - account: ${n}\n`).join('')}\n# Guardrail`,
  );
  return { org, yaml };
}

describe('pipeline job: JobFailed on drift', () => {
  it('lists the most important changes, ends with "… and N more", and stays within 5,000 characters', async () => {
    // Prepare: 60 more accounts and a declared policy on each of them: 68 changes, 67 violations
    const { org, yaml } = await bulkOrganization();
    const h = harness();
    const { event, outputKey } = await job({ output: true, files: { 'ai-optout.yaml': yaml } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toBe(
      'drift: 68 changes, 67 accounts would change effective settings, 67 violations in 67 accounts; 67 of 67 accounts non-compliant (mode audit)',
    );
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report.changes).toHaveLength(68);
    expect(report.violations).toHaveLength(67);
    const total = report.changes.length + report.violations.length + report.warnings.length;
    const shown = failure.lines.slice(1, -1);
    expect(failure.lines.at(-1)).toBe(`… and ${total - shown.length} more`);
    // the changes come first, in the plan's order, each line whole
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.every((l) => !l.startsWith('violation: '))).toBe(true);
    expect(shown[0]).toMatch(/^enable-policy-type → Root: /);
    expect(shown).toContain(
      `attach-policy ai-optout-bulk → Root/Bulk/bulk-account-00: attach ai-optout-bulk to bulk-account-00 (${org.accounts['bulk-account-00']})`,
    );
    expect(failure.message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    // nearly full: the next line (about 100 characters) would not have fitted
    expect(failure.message.length).toBeGreaterThan(MESSAGE_LIMIT - 150);
  });

  it('failOn never with that many changes succeeds with a summary within 2,048 characters, ending "… and N more"', async () => {
    // Prepare
    const { yaml } = await bulkOrganization();
    const h = harness();
    const { event } = await job({ files: { 'ai-optout.yaml': yaml }, userParameters: { failOn: 'never' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { summary, lines, variables } = successOf(event);
    expect(variables).toMatchObject({ VERDICT: 'drift', CHANGES: '68', VIOLATIONS: '67', ACCOUNTS: '67' });
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary.length).toBeGreaterThan(SUMMARY_LIMIT - 150);
    expect(lines[0]).toMatch(/^drift: 68 changes, .*\(mode audit\)$/);
    const shown = lines.length - 2;
    expect(lines.at(-1)).toBe(`… and ${68 + 67 - shown} more`);
  });
});

describe('pipeline job: ConfigurationError', () => {
  it('bad YAML names ai-optout.yaml:line:col, and reads nothing from Organizations', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job({
      files: {
        'ai-optout.yaml':
          'version: 1\npolicies:\n  - name: a\n    default: optOut\n    default: optIn\n    targets: [root]\n',
      },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.lines[0]).toBe('ai-optout.yaml in Config is not valid (1 error)');
    expect(failure.lines[1]).toBe(
      'ai-optout.yaml:5:5: error: duplicate key `default` (first at line 4, column 5); keys of a mapping are unique; remove one, or merge the two',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('an unknown UserParameters key is refused with a suggestion', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: { configpath: 'ai-optout.yaml' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'UserParameters: unknown key "configpath" (did you mean "configPath"?); allowed: configPath, mode, failOn, verify, roleArn, pipelineExecutionId',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
    expect(h.artifactCredentials).toEqual([]);
  });

  it('UserParameters that are not JSON are refused', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: '{configPath: ai-optout.yaml' });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^UserParameters is not valid JSON: /);
    expect(failure.lines).toHaveLength(1);
  });

  it('a bad failOn value names the field', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({ userParameters: { failOn: 'warnings' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^UserParameters: failOn: /);
    expect(failure.message).toMatch(/drift.*violations.*never/);
  });

  it('a missing config file names the path it looked for and lists what the zip holds', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job({
      files: {
        'accounts-config.yaml': 'x: 1\n',
        'organization-config.yaml': 'y: 2\n',
        'ai-optout.yaml': CONFIG_YAML,
      },
      userParameters: { configPath: 'config/ai-optout.yaml' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'the input artifact Config has no config/ai-optout.yaml (set "configPath" in UserParameters if the file is elsewhere); it contains accounts-config.yaml, organization-config.yaml, ai-optout.yaml',
    );
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('the listing of a zip without the config file skips directory entries and marks what it leaves out', async () => {
    // Prepare: a source zip with directory entries; one with 25 files
    const h = harness();
    const small = await job({
      files: { 'config/': '', 'config/global-config.yaml': 'a: 1\n', 'README.md': '#\n' },
    });
    const many = await job({
      files: Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [`file-${String(i).padStart(2, '0')}.yaml`, 'x']),
      ),
    });

    // Act
    await runJob(small.event, h.context, h.deps);
    await runJob(many.event, h.context, h.deps);

    // Assess
    const [first, second] = codePipeline.results();
    expect(first).toMatchObject({
      kind: 'failure',
      failureDetails: {
        type: 'ConfigurationError',
        message:
          'the input artifact Config has no ai-optout.yaml (set "configPath" in UserParameters if the file is elsewhere); it contains config/global-config.yaml, README.md',
      },
    });
    const listed = Array.from({ length: 20 }, (_, i) => `file-${String(i).padStart(2, '0')}.yaml`).join(', ');
    expect(second).toMatchObject({
      kind: 'failure',
      failureDetails: {
        type: 'ConfigurationError',
        message: expect.stringMatching(new RegExp(`; it contains ${listed}, …$`)),
      },
    });
  });

  it('a configPath with ".." is refused', async () => {
    // Prepare
    const h = harness();
    const { event } = await job({
      files: { 'ai-optout.yaml': CONFIG_YAML },
      userParameters: { configPath: 'config/../../ai-optout.yaml' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure).toMatchObject({
      type: 'ConfigurationError',
      message: 'configPath config/../../ai-optout.yaml must not contain ".."',
    });
    expect(totalCalls(h.orgCalls)).toBe(0);
  });

  it('an input artifact that is not a zip is a configuration error', async () => {
    // Prepare
    const h = harness();
    const { event } = await job();
    const location = event['CodePipeline.job'].data.inputArtifacts[0]?.location.s3Location;
    await adminS3.send(
      new PutObjectCommand({
        Bucket: location?.bucketName,
        Key: location?.objectKey,
        Body: 'version: 1\n',
      }),
    );

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(/^the input artifact Config is not a readable zip file: /);
  });

  it('an unknown target OU names the target', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job({
      files: {
        'ai-optout.yaml': CONFIG_YAML.replace('ou: Workloads/Prod', 'ou: Workloads/Production'),
      },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.lines[0]).toMatch(
      /^ai-optout\.yaml: the desired state does not fit organization o-[a-z0-9]+ \(1 problem\)$/,
    );
    expect(failure.lines[1]).toMatch(/^ai-optout\.yaml:\d+:\d+: error: .*Workloads\/Production/);
    expect(writes(h.orgCalls)).toBe(0);
  });
});

describe('pipeline job: AWS errors', () => {
  it('access denied is a PermissionError naming the operation and the permission', async () => {
    // Prepare
    await createLzaOrg(admin);
    proxy.addFault({
      operation: 'ListPolicies',
      times: Number.POSITIVE_INFINITY,
      type: 'AccessDeniedException',
    });
    const h = harness();
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('PermissionError');
    expect(failure.lines[0]).toMatch(
      /^AWS denied ListPolicies: the credentials in use need organizations:ListPolicies /,
    );
    expect(proxy.seen.filter((s) => s.operation === 'ListPolicies')).toEqual([
      { operation: 'ListPolicies', faulted: true },
    ]);
  });

  it('throttling past the retry budget is SystemUnavailable', async () => {
    // Prepare
    await createLzaOrg(admin);
    proxy.addFault({
      operation: 'DescribeOrganization',
      times: Number.POSITIVE_INFINITY,
      type: 'TooManyRequestsException',
      message: 'Rate exceeded',
    });
    const h = harness({ orgAttempts: 3 });
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('SystemUnavailable');
    expect(failure.lines[0]).toBe(
      'AWS organizations kept failing DescribeOrganization after 3 attempts (TooManyRequestsException): Rate exceeded',
    );
    expect(proxy.seen.filter((s) => s.operation === 'DescribeOrganization')).toHaveLength(3);
  });

  it('throttling within the retry budget still succeeds', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    proxy.addFault({ operation: 'ListRoots', times: 2, type: 'TooManyRequestsException' });
    const h = harness({ orgAttempts: 3 });
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(proxy.seen.filter((s) => s.operation === 'ListRoots' && s.faulted)).toHaveLength(2);
  });

  it('a missing input artifact object fails the job and names the object', async () => {
    // Prepare
    const h = harness();
    const event = pipelineEvent({ inputKey: 'lza-pipeline/Config/missing' });
    scriptJobExecution(codePipeline, PIPELINE_NAME, event);

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure).toMatchObject({
      type: 'JobFailed',
      message: `cannot read the input artifact s3://${ARTIFACT_BUCKET}/lza-pipeline/Config/missing: NoSuchKey: The specified key does not exist.`,
    });
    expect(totalCalls(h.orgCalls)).toBe(0);
  });
});

describe('pipeline job: enforce', () => {
  it('a fresh organization converges: applied, reported in-sync, and the policies are really there', async () => {
    // Prepare
    const org: MotoOrg = await createLzaOrg(admin);
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({ userParameters: { mode: 'enforce' }, output: true });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { summary, variables } = successOf(event);
    expect(summary).toBe(
      'applied 7 of 7 steps; now in-sync: 7 accounts match the desired state and expect (mode enforce)',
    );
    expect(variables).toEqual({
      VERDICT: 'in-sync',
      CHANGES: '0',
      VIOLATIONS: '0',
      EFFECTIVE_CHANGES: '0',
      ACCOUNTS: '7',
      MODE: 'enforce',
    });
    expect(writes(h.orgCalls)).toBe(7);
    const policies = await aiPolicies();
    expect(Object.fromEntries(policies.map((p) => [p.name, p.targets]))).toEqual({
      'ai-optout-baseline': [org.rootId],
      'ai-optout-production': [org.ous['Workloads/Prod']],
      'ai-optout-sandbox-exception': [org.ous.Sandbox],
    });
    const list = await admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const baseline = list.Policies?.find((p) => p.Name === 'ai-optout-baseline');
    const described = await admin.send(new DescribePolicyCommand({ PolicyId: baseline?.Id }));
    expect(JSON.parse(described.Policy?.Content as string)).toMatchObject({
      services: { default: { opt_out_policy: { '@@assign': 'optOut' } } },
    });
  });

  it('the mode in the file (enforce) is overridden by UserParameters mode audit', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({
      files: { 'ai-optout.yaml': CONFIG_YAML.replace('mode: audit', 'mode: enforce') },
      userParameters: { mode: 'audit', failOn: 'never' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables).toMatchObject({ MODE: 'audit', VERDICT: 'drift', CHANGES: '7' });
    expect(writes(h.orgCalls)).toBe(0);
    expect(await aiPolicies()).toEqual([]);
  });

  it('a read-only deployment (ceiling audit) refuses enforce: ConfigurationError and no Organizations call', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness({ modeCeiling: 'audit' });
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toMatch(
      /^mode is enforce, but this deployment is read-only \(AI_OPTOUT_MODE_CEILING=audit\)/,
    );
    expect(writes(h.orgCalls)).toBe(0);
    expect(totalCalls(h.orgCalls)).toBe(0);
    expect(proxy.seen).toEqual([]);
    expect(await aiPolicies()).toEqual([]);
  });
});

describe('pipeline job: apply that does not converge, and the deadline', () => {
  it('an apply whose writes do not take is JobFailed "apply did not converge"', async () => {
    // Prepare: AttachPolicy answers 200 but never reaches moto (a write AWS acknowledged and lost)
    await createLzaOrg(admin);
    proxy.addFault({
      operation: 'AttachPolicy',
      times: Number.POSITIVE_INFINITY,
      type: 'Swallowed',
      status: 200,
    });
    const h = harness({ modeCeiling: 'enforce' });
    const { event } = await job({ userParameters: { mode: 'enforce', failOn: 'never' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toMatch(
      /^applied 7 of 7 steps; apply did not converge; now drift: 3 changes, .* \(mode enforce\)$/,
    );
    expect(failure.lines.slice(1, 4).every((l) => l.startsWith('attach-policy '))).toBe(true);
    expect(h.orgCalls.AttachPolicy).toBe(3);
  });

  it('stops before the Lambda deadline with JobFailed and writes nothing', async () => {
    // Prepare: the deadline fires as the organization's read begins (the first call goes through)
    await createLzaOrg(admin);
    const h = harness({ modeCeiling: 'enforce' });
    withDeadlineAt(h, 'DescribeOrganization', 1);
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.message).toBe(
      `stopped 45 s before the Lambda deadline: reading, applying and verifying the organization did not finish in ${(600_000 - RESERVE_MS) / 1000} s. Apply is idempotent: the next run continues where this one stopped. Raise the function timeout (up to 15 minutes) for an organization this large, or set AI_OPTOUT_STATE_BUCKET so the run continues in another invocation.`,
    );
    expect(writes(h.orgCalls)).toBe(0);
    expect(await aiPolicies()).toEqual([]);
  });

  it('a function timeout too short to work fails with a ConfigurationError that says so', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job();
    const context = { ...h.context, getRemainingTimeInMillis: () => 20_000 };

    // Act
    await runJob(event, context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('ConfigurationError');
    expect(failure.message).toBe(
      'the function timeout leaves 0 s to work after the 45 s kept for reporting: set it to at least 2 minutes (14 recommended)',
    );
    expect(Object.keys(h.orgCalls)).toEqual([]);
  });
});

describe('pipeline job: one result per job', () => {
  it('a duplicate delivery with a job ledger reports once and applies once', async () => {
    // Prepare: the second delivery comes while CodePipeline still shows the action InProgress
    await createLzaOrg(admin);
    const first = harness({ modeCeiling: 'enforce', ledger: true });
    const second = harness({ modeCeiling: 'enforce', ledger: true });
    const { event } = await job({ userParameters: { mode: 'enforce' }, overtaken: true });

    // Act
    await runJob(event, first.context, first.deps);
    await runJob(structuredClone(event), second.context, second.deps);

    // Assess
    expect(resultCalls()).toHaveLength(1);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(writes(first.orgCalls)).toBe(7);
    expect(totalCalls(second.orgCalls)).toBe(0);
    expect(second.artifactCredentials).toEqual([]);
    const marker = await adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'reported',
      outcome: 'success',
    });
    expect(second.logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'warn', claim: 'already-reported', jobId: jobIdOf(event) }),
    );
  });

  it('a claim past its own deadline is taken over, one within it stands the delivery down', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const live = await job();
    const expired = await job();
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    for (const [event, expiresAt] of [
      [live.event, at(60)],
      [expired.event, at(-10)],
    ] as const) {
      await adminS3.send(
        new PutObjectCommand({
          Bucket: STATE_BUCKET,
          Key: `ai-optout/jobs/${jobIdOf(event)}.json`,
          Body: JSON.stringify({ state: 'running', startedAt: at(-120), expiresAt, requestId: 'earlier' }),
        }),
      );
    }
    const h = harness({ ledger: true });

    // Act
    await runJob(live.event, h.context, h.deps);
    await runJob(expired.event, h.context, h.deps);

    // Assess
    expect(codePipeline.results().map((r) => r.jobId)).toEqual([jobIdOf(expired.event)]);
    const marker = await adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(live.event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'running',
      requestId: 'earlier',
    });
  });

  it('a fresh claim by another invocation stands this one down; a stale claim is taken over', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const running = await job();
    const abandoned = await job();
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    for (const [event, startedAt] of [
      [running.event, minutesAgo(3)],
      [abandoned.event, minutesAgo(17)],
    ] as const) {
      await adminS3.send(
        new PutObjectCommand({
          Bucket: STATE_BUCKET,
          Key: `ai-optout/jobs/${jobIdOf(event)}.json`,
          Body: JSON.stringify({ state: 'running', startedAt, requestId: 'earlier' }),
        }),
      );
    }
    const h = harness({ ledger: true });

    // Act
    await runJob(running.event, h.context, h.deps);
    await runJob(abandoned.event, h.context, h.deps);

    // Assess
    expect(codePipeline.results().map((r) => r.jobId)).toEqual([jobIdOf(abandoned.event)]);
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({ jobId: jobIdOf(running.event), claim: 'in-progress' }),
    );
    const marker = await adminS3.send(
      new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `ai-optout/jobs/${jobIdOf(abandoned.event)}.json` }),
    );
    expect(JSON.parse((await marker.Body?.transformToString()) as string)).toMatchObject({
      state: 'reported',
      outcome: 'success',
    });
  });

  it('a state bucket that cannot be written does not stop the job: it runs and reports once', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const h = harness();
    h.deps.ledger = new JobLedger(adminS3, 'no-such-state-bucket');
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
      }),
    );
  });

  it('two concurrent deliveries with a job ledger: one claims, one stands down', async () => {
    // Prepare
    await createLzaOrg(admin);
    const a = harness({ modeCeiling: 'enforce', ledger: true });
    const b = harness({ modeCeiling: 'enforce', ledger: true });
    const { event } = await job({ userParameters: { mode: 'enforce' }, overtaken: true });

    // Act
    await Promise.all([runJob(event, a.context, a.deps), runJob(structuredClone(event), b.context, b.deps)]);

    // Assess
    expect(resultCalls()).toHaveLength(1);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(writes(a.orgCalls) + writes(b.orgCalls)).toBe(7);
    expect([totalCalls(a.orgCalls), totalCalls(b.orgCalls)].filter((n) => n === 0)).toHaveLength(1);
  });

  it('without a ledger, a delivery after the job finished is refused by the confirmation: it reads nothing, and its answer is refused without a retry or a throw', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const first = harness();
    const second = harness();
    const { event } = await job();

    // Act
    await runJob(event, first.context, first.deps);
    const again = runJob(event, second.context, second.deps);

    // Assess
    await expect(again).resolves.toBeUndefined();
    expect(resultCalls().map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'PutJobSuccessResult ok',
      'PutJobFailureResult InvalidJobStateException',
    ]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(totalCalls(second.orgCalls)).toBe(0);
    expect(second.artifactCredentials).toEqual([]);
    expect(second.sleeps).toEqual([]);
    expect(second.logs.lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'job refused before reading anything',
        refusal: `not a job CodePipeline is running in ${PIPELINE_NAME}: its action AiOptOut/Reconcile is Succeeded, not InProgress (a finished job sent again); nothing was read or written`,
        result: 'the job already has a result',
      }),
    ]);
  });
});

/** Runs a job with an output artifact that fails on drift (JobFailed); returns the failure and the artifact's reports. */
async function failedJobWithReport(h: Harness) {
  const { event, outputKey } = await job({ output: true });
  await runJob(event, h.context, h.deps);
  const failure = failureOf(event);
  expect(failure.type).toBe('JobFailed');
  const { files } = await readOutputArtifact(adminS3, outputKey as string);
  return { failure, files, report: ReportSchema.parse(JSON.parse(files['report.json'] as string)) };
}

describe('pipeline job: the effective policies confirmed by AWS', () => {
  it("AWS's disagreement fails the job on the accounts it decides, and the report names it; one call per state", async () => {
    // Prepare: in sync by our computation; AWS (scripted by hand) says the root's accounts are opted in.
    const org = await createLzaOrg(admin);
    await converge();
    for (const name of ['management', 'log-archive', 'audit', 'dev-app']) {
      proxy.effectivePolicies.documents.set(
        org.idOf(name),
        '{"services":{"default":{"opt_out_policy":"optIn"}}}',
      );
    }
    const h = harness();

    // Act
    const { failure, files, report } = await failedJobWithReport(h);

    // Assess
    expect(failure.lines[0]).toMatch(
      /^drift: 0 changes, 4 violations in 4 accounts; 4 of 7 accounts non-compliant/,
    );
    expect(report.fidelity).toMatchObject({
      source: 'aws',
      verify: 'states',
      states: 3,
      checked: 3,
      confirmed: 2,
    });
    expect(report.fidelity?.disagreements.map((d) => [d.accounts, d.differences])).toEqual([
      [4, [{ service: 'default', local: 'optOut', aws: 'optIn' }]],
    ]);
    expect(h.orgCalls.DescribeEffectivePolicy).toBe(3);
    expect(h.orgCalls.ListAccountsWithInvalidEffectivePolicy).toBe(1);
    expect(files['report.md']).toContain('### Confirmed by AWS (DescribeEffectivePolicy)');
  });

  it("AWS's invalid-policy alarm fails the job with AWS's error; an account that left before its errors were read is not counted", async () => {
    // Prepare: in sync by our computation; AWS lists audit with a validation error, and an account that
    // is no longer in the organization (its ListEffectivePolicyValidationErrors: AccountNotFoundException).
    const org = await createLzaOrg(admin);
    await converge();
    const error = {
      ErrorCode: 'ELEMENTS_TOO_MANY',
      PathToError: 'services.lex',
      ContributingPolicies: ['p-12345678'],
    };
    proxy.effectivePolicies.invalid.push(
      { id: org.idOf('audit'), name: 'audit', errors: [error] },
      { id: '999988887777', name: 'closed', errors: [error] },
    );
    const h = harness();

    // Act
    const { failure, files, report } = await failedJobWithReport(h);

    // Assess
    expect(failure.lines[0]).toMatch(
      /^drift: 0 changes, 1 violation in 1 account; 1 of 7 accounts non-compliant/,
    );
    expect(report.violations.map((v) => [v.accountName, v.service, v.cause])).toEqual([
      ['audit', 'lex', 'aws:ELEMENTS_TOO_MANY'],
    ]);
    expect(report.fidelity).toMatchObject({ invalidAccounts: 1, leftOrganization: ['999988887777'] });
    expect(h.orgCalls.ListEffectivePolicyValidationErrors).toBe(2);
    expect(files['report.md']).toContain(
      'left the organization before its errors were read (999988887777): not counted',
    );
  });

  it('UserParameters verify none asks AWS nothing; an unknown verify value is a ConfigurationError', async () => {
    await createLzaOrg(admin);
    await converge();
    const h = harness();
    const { event } = await job({ userParameters: { verify: 'none' } });
    await runJob(event, h.context, h.deps);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(Object.keys(h.orgCalls).filter((op) => op.includes('Effective'))).toEqual([]);

    codePipeline.reset();
    const bad = await job({ userParameters: { verify: 'some' } });
    await runJob(bad.event, h.context, h.deps);
    const failure = codePipeline.results().find((r) => r.jobId === jobIdOf(bad.event));
    expect(failure?.kind === 'failure' && failure.failureDetails).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(/^UserParameters: verify: .*states.*all.*none.*\(got `some`\)/),
    });
  });
});

describe('pipeline job: the report artifact', () => {
  it('is a zip with report.json (valid ReportSchema), report.md (Mermaid) and report.html (SVG tree), KMS-encrypted with the job key', async () => {
    // Prepare
    await createLzaOrg(admin);
    const keyArn = await createKmsKey(moto.endpoint);
    const h = harness();
    const { event, outputKey } = await job({
      output: true,
      kmsKeyArn: keyArn,
      userParameters: { failOn: 'never' },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { variables } = successOf(event);
    const { files, head } = await readOutputArtifact(adminS3, outputKey as string);
    expect(Object.keys(files).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(files['report.html']).toMatch(/^<!DOCTYPE html>/);
    expect(files['report.html']).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="tree"');
    const parsed = ReportSchema.safeParse(JSON.parse(files['report.json'] as string));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const report = parsed.data as NonNullable<typeof parsed.data>;
    expect(report).toMatchObject({ reportVersion: 1, mode: 'audit', verdict: 'drift' });
    expect(report.revision).toBeUndefined(); // the event's artifact revision is null
    expect(String(report.changes.length)).toBe(variables.CHANGES);
    expect(String(report.violations.length)).toBe(variables.VIOLATIONS);
    expect(String(report.effectiveChanges.length)).toBe(variables.EFFECTIVE_CHANGES);
    expect(String(report.accounts.total)).toBe(variables.ACCOUNTS);
    expect(files['report.md']).toMatch(/```mermaid\ngraph TD\n/);
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(keyArn);
    expect(head.ContentType).toBe('application/zip');
  });

  it('names the configuration revision it checked (the input artifact revision) in the headline and report.json', async () => {
    // Prepare: an S3 object version id, as the S3 source action records it
    await createLzaOrg(admin);
    const revision = '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY';
    const h = harness();
    const { event, outputKey } = await job({ output: true, revision, userParameters: { failOn: 'never' } });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { lines } = successOf(event);
    expect(lines[0]).toMatch(
      new RegExp(`non-compliant \\(mode audit, configuration revision ${revision}\\)$`),
    );
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report.revision).toBe(revision);
    expect(report.reportVersion).toBe(1);
  });

  it('names the trigger, and keeps the latest reports and desired state at stable keys in the state bucket', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    h.deps.latestRun = new LatestRun(adminS3, STATE_BUCKET);
    h.deps.pipeline.triggerVariable = 'trigger';
    const trigger = 'Organizations events: AttachPolicy p-12345678 → ou-ab12-cdef3456';
    const { event, outputKey } = await job({
      output: true,
      userParameters: { failOn: 'never' },
      variables: { trigger },
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    successOf(event);
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).trigger).toBe(trigger);
    expect(files['report.md']).toContain(`_Triggered by ${trigger}_`);
    expect(files['report.html']).toContain(`triggered by ${trigger}`);
    const text = async (key: string) => {
      const object = await adminS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
      return { body: await object.Body?.transformToString(), type: object.ContentType };
    };
    expect(await text('ai-optout/latest/report.html')).toEqual({
      body: files['report.html'],
      type: 'text/html; charset=utf-8',
    });
    expect((await text('ai-optout/latest/report.json')).body).toBe(files['report.json']);
    expect((await text('ai-optout/latest/ai-optout.yaml')).body).toBe(CONFIG_YAML);
  });

  it('a state bucket that refuses the latest reports does not fail the job', async () => {
    await createLzaOrg(admin);
    const h = harness();
    h.deps.latestRun = new LatestRun(adminS3, 'no-such-bucket-ai-optout');
    const { event } = await job({ output: true, userParameters: { failOn: 'never' } });

    await runJob(event, h.context, h.deps);

    expect(successOf(event).variables.VERDICT).toBe('drift');
    expect(
      h.logs.lines().some((l) => l.msg === 'the latest reports could not be written to the state bucket'),
    ).toBe(true);
  });

  it('without an encryptionKey the artifact is written without SSE-KMS', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const h = harness();
    const { event, outputKey } = await job({ output: true });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    const head = await adminS3.send(new HeadObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: outputKey }));
    expect(head.ServerSideEncryption).not.toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBeUndefined();
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).verdict).toBe('in-sync');
  });
});

describe('pipeline job: reporting the result', () => {
  it('is retried when the job API fails twice, then succeeds', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    codePipeline.failNext(2, { operation: 'PutJobSuccessResult' });
    const h = harness();
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess: the client's three attempts, the same request each time, and nothing retried around them
    const calls = resultCalls();
    expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
    expect(calls.map((c) => c.input)).toEqual([calls[2]?.input, calls[2]?.input, calls[2]?.input]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(h.sleeps).toEqual([]);
    expect(h.logs.lines().filter((l) => l.msg === 'job result reported')).toEqual([
      expect.objectContaining({ result: 'success', attempts: 3 }),
    ]);
    expect(h.logs.lines().filter((l) => l.msg === 'reporting the job result failed')).toEqual([]);
  });

  it('a rejected result is not retried; the claim is left unreported so a redelivery can run it', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    codePipeline.failNext(1, {
      status: 400,
      type: 'ValidationException',
      message: 'bad request',
      operation: 'PutJobSuccessResult',
    });
    const h = harness({ ledger: true });
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);
    const again = harness({ ledger: true });
    await runJob(event, again.context, again.deps);

    // Assess
    expect(resultCalls().map((c) => c.status)).toEqual([400, 200]);
    expect(h.sleeps).toEqual([]);
    expect(h.logs.lines().filter((l) => l.level === 'fatal')).toEqual([
      expect.objectContaining({
        msg: 'COULD NOT REPORT THE JOB RESULT (ValidationException): the pipeline stage will time out. See the error above.',
      }),
    ]);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
  });

  it('when it always fails, the job returns without throwing and logs a fatal line', async () => {
    // Prepare
    await createLzaOrg(admin);
    codePipeline.failNext(100, { operation: 'PutJobFailureResult' });
    const h = harness({ ledger: true });
    const { event } = await job();

    // Act
    const outcome = runJob(event, h.context, h.deps);

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(resultCalls().map((c) => c.status)).toEqual([500, 500, 500]);
    expect(codePipeline.results()).toEqual([]);
    const fatal = h.logs.lines().filter((l) => l.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({
      jobId: jobIdOf(event),
      outcome: 'failure',
      type: 'JobFailed',
      msg: expect.stringMatching(/^COULD NOT REPORT THE JOB RESULT/),
    });
    expect(String(fatal[0]?.message)).toMatch(/^drift: 7 changes/);
  });
});

describe('pipeline job: logs', () => {
  it('never show the artifact credentials, and carry the job id', async () => {
    // Prepare: one success, one failure through the artifact path, one parameter error
    await createLzaOrg(admin);
    const h = harness({ ledger: true });
    const success = await job({
      output: true,
      userParameters: { failOn: 'never', pipelineExecutionId: EXECUTION_ID },
    });
    const missing = await job({ files: { 'other.yaml': 'x: 1\n' } });
    const badParameters = await job({ userParameters: '{"roleArn": 1}' });

    // Act
    for (const { event } of [success, missing, badParameters]) await runJob(event, h.context, h.deps);

    // Assess
    expect(codePipeline.results().map((r) => r.kind)).toEqual(['success', 'failure', 'failure']);
    const text = h.logs.text();
    for (const secret of [ARTIFACT_CREDENTIALS.secretAccessKey, ARTIFACT_CREDENTIALS.sessionToken]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    const lines = h.logs.lines();
    for (const { event } of [success, missing, badParameters]) {
      expect(lines.filter((l) => l.jobId === jobIdOf(event)).length).toBeGreaterThan(0);
    }
    expect(lines.filter((l) => l.jobId === jobIdOf(success.event))).toContainEqual(
      expect.objectContaining({ pipelineExecutionId: EXECUTION_ID, msg: 'job result reported' }),
    );
  });

  it('redact the credentials even if a whole job is logged', async () => {
    // Prepare
    const logs = logSink();
    const logger = createLogger(logs, 'info');
    const event = pipelineEvent({ inputKey: 'k' });

    // Act
    logger.info({ job: event['CodePipeline.job'].data }, 'job data');
    logger.info({ event }, 'whole event');

    // Assess
    expect(logs.text()).not.toContain(ARTIFACT_CREDENTIALS.secretAccessKey);
    expect(logs.text()).not.toContain(ARTIFACT_CREDENTIALS.sessionToken);
    expect(logs.text()).not.toContain(ARTIFACT_CREDENTIALS.accessKeyId);
  });
});

describe('pipeline job: not a job', () => {
  it.each([
    ['an S3 event', { Records: [{ eventSource: 'aws:s3' }] }],
    ['an empty object', {}],
    ['null', null],
    ['a job without an id', { 'CodePipeline.job': { data: {} } }],
  ])('%s: no call, no throw', async (_name, event) => {
    // Prepare
    const h = harness();

    // Act
    const outcome = runJob(event, h.context, h.deps);

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(codePipeline.calls).toEqual([]);
    expect(h.logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'not a CodePipeline job event; there is no job to report to',
      }),
    );
  });
});

describe('pipeline job: the real handler export, configured by the environment', () => {
  it('runs an enforce job against moto and reports once, even when delivered twice', async () => {
    // Prepare
    const org = await createLzaOrg(admin);
    const { event, outputKey } = await job({ userParameters: { mode: 'enforce' }, output: true });
    const environment = {
      AWS_ENDPOINT_URL: moto.endpoint,
      // Organizations through the proxy, which answers DescribeEffectivePolicy (moto has none).
      AWS_ENDPOINT_URL_ORGANIZATIONS: proxy.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: codePipeline.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AI_OPTOUT_PACE: 'none',
      AI_OPTOUT_MODE_CEILING: 'enforce',
      AI_OPTOUT_STATE_BUCKET: STATE_BUCKET,
      ...OWN_PIPELINE_ENVIRONMENT,
      LOG_LEVEL: 'silent',
    };
    const context = { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'handler-request' };

    // Act
    await withEnvironment(environment, async () => {
      // The handler reads its environment when loaded: load it afresh (test files share modules).
      vi.resetModules();
      const { handler } = await import('../../../lambdas/pipeline-job/handler.ts');
      await handler(event, context);
      await handler(structuredClone(event), context);
    });

    // Assess: the second delivery comes after the job finished: the confirmation refuses it
    expect(codePipeline.calls.map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
      'ListActionExecutions ok',
      'PutJobSuccessResult ok',
      'ListActionExecutions ok',
      'PutJobFailureResult InvalidJobStateException',
    ]);
    const { variables } = successOf(event);
    expect(variables).toMatchObject({ VERDICT: 'in-sync', MODE: 'enforce', ACCOUNTS: '7' });
    expect(resultCalls()[0]?.input?.executionDetails).toMatchObject({
      externalExecutionId: 'handler-request',
    });
    expect((await aiPolicies()).map((p) => p.name).sort()).toEqual([
      'ai-optout-baseline',
      'ai-optout-production',
      'ai-optout-sandbox-exception',
    ]);
    expect((await aiPolicies()).find((p) => p.name === 'ai-optout-baseline')?.targets).toEqual([org.rootId]);
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).applied).toHaveLength(7);
  });
});

describe('pipeline job: an organization too large for one invocation', () => {
  /** The job CodePipeline issues next for the same action execution, carrying `token`. */
  function continued(event: PipelineEvent, token: string): PipelineEvent {
    const next = structuredClone(event);
    next['CodePipeline.job'].id = randomUUID();
    (next['CodePipeline.job'].data as { continuationToken?: string }).continuationToken = token;
    codePipeline.continueJob(jobIdOf(event), jobIdOf(next));
    return next;
  }

  function tokenOf(event: PipelineEvent): { token: string; summary: string; percent: number } {
    const result = codePipeline.results().find((r) => r.jobId === jobIdOf(event));
    if (result?.kind !== 'success' || !result.continuationToken)
      throw new Error(`no continuation for ${jobIdOf(event)}`);
    expect(result.outputVariables).toBeUndefined();
    return {
      token: result.continuationToken,
      summary: result.executionDetails?.summary ?? '',
      percent: result.executionDetails?.percentComplete ?? -1,
    };
  }

  it('reports progress with a continuation token, and the next invocation finishes the read without starting over', async () => {
    // Prepare
    await createLzaOrg(admin);
    await converge();
    const first = harness({ ledger: true });
    first.deps.continuations = new ContinuationStore(adminS3, STATE_BUCKET);
    withDeadlineAt(first, 'ListAccountsForParent', 2);
    const { event } = await job({ output: true });

    // Act
    await runJob(event, first.context, first.deps);
    const { token, summary, percent } = tokenOf(event);
    const second = harness({ ledger: true });
    second.deps.continuations = new ContinuationStore(adminS3, STATE_BUCKET);
    const next = continued(event, token);
    await runJob(next, second.context, second.deps);

    // Assess
    expect(summary).toMatch(
      /^reading the organization: \d+ OUs and \d+ accounts read, [1-9]\d* OUs left; continuing in the next invocation \(mode audit\)$/,
    );
    expect(percent).toBeGreaterThanOrEqual(1);
    expect(percent).toBeLessThanOrEqual(95);
    expect(JSON.parse(token)).toEqual({ v: 1, key: `ai-optout/continuations/${jobIdOf(event)}.json.gz` });
    const final = codePipeline.results().find((r) => r.jobId === jobIdOf(next));
    expect(final?.kind).toBe('success');
    expect(final?.kind === 'success' ? final.outputVariables : undefined).toMatchObject({
      VERDICT: 'in-sync',
      ACCOUNTS: '7',
    });
    // 6 parents in all (root, Security, Workloads, Prod, Dev, Sandbox): the second run read only what was left.
    const firstParents = first.orgCalls.ListAccountsForParent ?? 0;
    const secondParents = second.orgCalls.ListAccountsForParent ?? 0;
    expect(secondParents).toBeGreaterThan(0);
    expect(secondParents).toBeLessThan(6);
    expect(firstParents + secondParents).toBeLessThanOrEqual(6 + 4);
    expect(second.orgCalls.DescribeOrganization).toBeUndefined();
  });

  it('in enforce mode, an apply cut short continues, and the next invocation applies the rest exactly once', async () => {
    // Prepare
    await createLzaOrg(admin);
    const first = harness({ modeCeiling: 'enforce' });
    first.deps.continuations = new ContinuationStore(adminS3, STATE_BUCKET);
    withDeadlineAt(first, 'AttachPolicy', 1);
    const { event } = await job({ userParameters: { mode: 'enforce' } });

    // Act
    await runJob(event, first.context, first.deps);
    const { token, summary } = tokenOf(event);
    const second = harness({ modeCeiling: 'enforce' });
    second.deps.continuations = new ContinuationStore(adminS3, STATE_BUCKET);
    const next = continued(event, token);
    await runJob(next, second.context, second.deps);

    // Assess
    expect(summary).toMatch(/^applying: /);
    expect(first.orgCalls.AttachPolicy).toBe(1);
    expect(second.orgCalls.CreatePolicy).toBeUndefined();
    expect(second.orgCalls.ListOrganizationalUnitsForParent).toBeUndefined();
    const final = codePipeline.results().find((r) => r.jobId === jobIdOf(next));
    expect(final?.kind === 'success' ? final.outputVariables?.VERDICT : final).toBe('in-sync');
    const names = (await aiPolicies()).map((p) => p.name).sort();
    expect(names).toEqual([...new Set(names)]);
    expect(names).toHaveLength(3);
  });

  it('a continuation token without a state bucket, or one it did not write, is a ConfigurationError', async () => {
    // Prepare
    await createLzaOrg(admin);
    const h = harness();
    const { event } = await job();
    const other = await job();
    const forged = continued(other.event, JSON.stringify({ v: 1, key: '../secrets.json' }));
    const h2 = harness();
    h2.deps.continuations = new ContinuationStore(adminS3, STATE_BUCKET);

    // Act
    await runJob(continued(event, '{"v":1,"key":"ai-optout/continuations/x.json.gz"}'), h.context, h.deps);
    await runJob(forged, h2.context, h2.deps);

    // Assess
    const [noBucket, wrongToken] = codePipeline.results();
    expect(noBucket?.kind === 'failure' ? noBucket.failureDetails : noBucket).toEqual({
      type: 'ConfigurationError',
      message:
        'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
      externalExecutionId: expect.any(String),
    });
    expect(wrongToken?.kind === 'failure' ? wrongToken.failureDetails.message : wrongToken).toBe(
      'the continuation token is not one this function wrote',
    );
  });
});

describe('pipeline job: metrics (embedded metric format)', () => {
  it('a finished run prints one EMF line whose metrics are the report figures, the duration and the calls made', async () => {
    // Prepare: a clock that moves 1.5 s between the claim and the end of the run
    await createLzaOrg(admin);
    const h = harness();
    const lines: string[] = [];
    h.deps.metrics = { functionName: 'AiOptOut-Reconciler', write: (line) => lines.push(line) };
    h.deps.pipeline.triggerVariable = 'trigger';
    const { event, outputKey } = await job({
      output: true,
      userParameters: { failOn: 'never' },
      variables: { trigger: 'schedule rate(1 day)' },
    });
    let tick = Date.parse('2026-12-01T06:00:00Z');
    h.deps.now = () => {
      tick += 500;
      return new Date(tick);
    };
    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    successOf(event);
    expect(lines).toHaveLength(1);
    const doc = parseEmfLine(lines[0] as string);
    const { files } = await readOutputArtifact(adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(doc._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'AiOptOut',
        Dimensions: [['FunctionName']],
        Metrics: expect.arrayContaining([
          { Name: 'NonCompliantAccounts', Unit: 'Count' },
          { Name: 'Verdict', Unit: 'None' },
          { Name: 'DurationMs', Unit: 'Milliseconds' },
        ]),
      },
    ]);
    expect(doc).toMatchObject({
      FunctionName: 'AiOptOut-Reconciler',
      NonCompliantAccounts: report.accounts.nonCompliant,
      Violations: report.violations.length,
      Changes: report.changes.length,
      EffectiveChanges: report.effectiveChanges.length,
      Accounts: 7,
      Verdict: 1,
      verdict: 'drift',
      trigger: 'schedule rate(1 day)',
    });
    expect(doc.NonCompliantAccounts).toBe(7);
    // now() was read at the claim (06:00:00.5) and at the metrics (a later tick): a whole number of ticks
    expect((doc.DurationMs as number) % 500).toBe(0);
    expect(doc.DurationMs as number).toBeGreaterThan(0);
    expect(doc._aws.Timestamp).toBe((doc.DurationMs as number) + Date.parse('2026-12-01T06:00:00.500Z'));
    // the calls before the line: the input artifact's GetObject and the Organizations reads (the
    // report artifact and the CodePipeline result come after it)
    expect(totalCalls(h.orgCalls)).toBeGreaterThan(0);
    expect(doc.ApiCalls).toBe(1 + totalCalls(h.orgCalls));
  });

  it('the EMF check refuses documents that break the specification', () => {
    const good = {
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['D']], Metrics: [{ Name: 'M' }] }],
      },
      D: 'x',
      M: 1,
    };
    expect(() => parseEmfLine(JSON.stringify(good))).not.toThrow();
    expect(() => parseEmfLine(JSON.stringify({ ...good, M: 'one' }))).toThrow(/metric M/);
    expect(() => parseEmfLine(JSON.stringify({ ...good, D: 3 }))).toThrow(/dimension D/);
    expect(() => parseEmfLine(JSON.stringify({ M: 1 }))).toThrow();
    expect(() => parseEmfLine(`${JSON.stringify(good)} trailing`)).toThrow();
  });

  it('a failed run prints no metrics line (there is no plan to measure)', async () => {
    await createLzaOrg(admin);
    const h = harness();
    const lines: string[] = [];
    h.deps.metrics = { functionName: 'f', write: (line) => lines.push(line) };
    const { event } = await job({ files: { 'ai-optout.yaml': 'version: [' } });

    await runJob(event, h.context, h.deps);

    expect(failureOf(event).type).toBe('ConfigurationError');
    expect(lines).toEqual([]);
  });
});

describe('pipeline job: Security Hub findings (moto)', () => {
  const ours = (findings: AwsSecurityFinding[]) =>
    findings.filter((f) => f.GeneratorId === FINDING_GENERATOR);

  it('a run imports one finding per non-compliant account (and the disabled policy type); a later compliant run archives them', async () => {
    // Prepare: a finding of another product, active, that must stay as it is (moto ignores GetFindings filters)
    await createLzaOrg(admin);
    const hub = new SecurityHubClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    const foreign = {
      SchemaVersion: '2018-10-08',
      Id: 'prowler-organizations_opt_out_ai_services_policy-111111111111-us-east-1-x',
      ProductArn: `arn:aws:securityhub:${REGION}::product/prowler/prowler`,
      GeneratorId: 'prowler-organizations_opt_out_ai_services_policy',
      AwsAccountId: PIPELINE_ACCOUNT,
      CreatedAt: '2026-11-01T00:00:00Z',
      UpdatedAt: '2026-11-01T00:00:00Z',
      Title: 'Prowler',
      Description: 'Prowler',
      Resources: [{ Type: 'Other', Id: 'o-example' }],
      RecordState: 'ACTIVE' as const,
    };
    await hub.send(new BatchImportFindingsCommand({ Findings: [foreign] }));
    const run = async (when: string) => {
      codePipeline.reset();
      const h = harness();
      h.deps.securityHub = { client: hub, region: REGION };
      h.deps.now = () => new Date(when);
      const { event, outputKey } = await job({ output: true, userParameters: { failOn: 'never' } });
      await runJob(event, h.context, h.deps);
      successOf(event);
      const { files } = await readOutputArtifact(adminS3, outputKey as string);
      const findings = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
      return { report: ReportSchema.parse(JSON.parse(files['report.json'] as string)), findings };
    };

    // Act 1: the organization as created (7 accounts non-compliant, the policy type disabled)
    const first = await run('2026-12-01T06:00:00.000Z');

    // Assess 1
    const accounts = ours(first.findings).filter((f) => f.Resources?.[0]?.Type === 'AwsAccount');
    expect(accounts).toHaveLength(first.report.accounts.nonCompliant);
    expect(first.report.accounts.nonCompliant).toBe(7);
    expect(new Set(accounts.map((f) => f.Resources?.[0]?.Id))).toEqual(
      new Set(first.report.violations.map((v) => `AWS::::Account:${v.accountId}`)),
    );
    expect(ours(first.findings).map((f) => f.Id)).toContain(
      `ai-optout/${first.report.organization.id}/policy-type-disabled`,
    );
    for (const finding of ours(first.findings)) {
      expect(finding).toMatchObject({
        AwsAccountId: PIPELINE_ACCOUNT,
        ProductArn: `arn:aws:securityhub:${REGION}:${PIPELINE_ACCOUNT}:product/${PIPELINE_ACCOUNT}/default`,
        RecordState: 'ACTIVE',
        Compliance: { Status: 'FAILED' },
        UpdatedAt: '2026-12-01T06:00:00.000Z',
      });
    }

    // Act 2: the organization repaired, a day later
    await converge();
    const second = await run('2026-12-02T06:00:00.000Z');

    // Assess 2: the same findings, archived and passed, first seen still the day before; Prowler's untouched
    expect(second.report.verdict).toBe('in-sync');
    expect(
      ours(second.findings)
        .map((f) => f.Id)
        .sort(),
    ).toEqual(
      ours(first.findings)
        .map((f) => f.Id)
        .sort(),
    );
    for (const finding of ours(second.findings)) {
      expect(finding).toMatchObject({
        RecordState: 'ARCHIVED',
        Compliance: { Status: 'PASSED' },
        UpdatedAt: '2026-12-02T06:00:00.000Z',
        CreatedAt: '2026-12-01T06:00:00.000Z',
      });
    }
    expect(second.findings.find((f) => f.Id === foreign.Id)).toMatchObject({ RecordState: 'ACTIVE' });
    hub.destroy();
  });
});
