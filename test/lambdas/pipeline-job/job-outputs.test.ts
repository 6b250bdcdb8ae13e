/**
 * What a finished job writes besides its result, end to end: the report artifact, the latest reports in
 * the state bucket, the metrics line, Security Hub findings, and logs without credentials.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { FINDING_GENERATOR } from '../../../lambdas/domain/findings.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { converge, failureOf, harness, job, successOf, useJobEmulators } from './job-harness.ts';
import {
  ARTIFACT_BUCKET,
  ARTIFACT_CREDENTIALS,
  createKmsKey,
  jobIdOf,
  logSink,
  PIPELINE_ACCOUNT,
  pipelineEvent,
  REGION,
  readOutputArtifact,
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

const env = useJobEmulators();
/** A pipeline execution id, as `#{codepipeline.PipelineExecutionId}` resolves. */
const EXECUTION_ID = '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60';

describe('pipeline job: the report artifact', () => {
  it('is a zip with report.json (valid ReportSchema), report.md (Mermaid) and report.html (SVG tree), KMS-encrypted with the job key', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const keyArn = await createKmsKey(env.moto.endpoint);
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
    const { files, head } = await readOutputArtifact(env.adminS3, outputKey as string);
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
    await createLzaOrg(env.admin);
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
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report.revision).toBe(revision);
    expect(report.reportVersion).toBe(1);
  });

  it('names the trigger, and keeps the latest reports and desired state at stable keys in the state bucket', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    const h = harness();
    h.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
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
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).trigger).toBe(trigger);
    expect(files['report.md']).toContain(`_Triggered by ${trigger}_`);
    expect(files['report.html']).toContain(`triggered by ${trigger}`);
    const text = async (key: string) => {
      const object = await env.adminS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
      return { body: await object.Body?.transformToString(), type: object.ContentType };
    };
    expect(await text('ai-optout/latest/report.html')).toEqual({
      body: files['report.html'],
      type: 'text/html; charset=utf-8',
    });
    expect((await text('ai-optout/latest/report.json')).body).toBe(files['report.json']);
    expect((await text('ai-optout/latest/ai-optout.yaml')).body).toBe(EXAMPLE_YAML);
  });

  it('a state bucket that refuses every write fails no job: the claim, the snapshot and the latest reports are logged, the artifact written', async () => {
    await createLzaOrg(env.admin);
    const h = harness();
    h.deps.stateBucket = stateStores(env.adminS3, 'no-such-bucket-ai-optout');
    const { event, outputKey } = await job({ output: true, userParameters: { failOn: 'never' } });

    await runJob(event, h.context, h.deps);

    expect(successOf(event).variables.VERDICT).toBe('drift');
    const refused = h.logs
      .lines()
      .filter((l) => /could not be written|cannot (claim|record)/.test(String(l.msg)))
      .map((l) => `${l.level} ${l.msg}`);
    expect(refused).toEqual([
      'error cannot claim the job in the state bucket; continuing without duplicate-delivery protection',
      'error the organization snapshot could not be written',
      'warn the latest reports could not be written',
      'warn cannot record the job outcome in the state bucket',
    ]);
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).verdict).toBe('drift');
  });

  it('without an encryptionKey the artifact is written without SSE-KMS', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    const h = harness();
    const { event, outputKey } = await job({ output: true });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    const head = await env.adminS3.send(new HeadObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: outputKey }));
    expect(head.ServerSideEncryption).not.toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBeUndefined();
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).verdict).toBe('in-sync');
  });
});

describe('pipeline job: metrics (embedded metric format)', () => {
  it('a finished run prints one EMF line whose metrics are the report figures, the duration and the calls made', async () => {
    // Prepare: a clock that moves 1.5 s between the claim and the end of the run
    await createLzaOrg(env.admin);
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
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
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
    await createLzaOrg(env.admin);
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
    await createLzaOrg(env.admin);
    const hub = new SecurityHubClient({
      region: REGION,
      endpoint: env.moto.endpoint,
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
      env.codePipeline.reset();
      const h = harness();
      h.deps.securityHub = { client: hub, region: REGION };
      h.deps.now = () => new Date(when);
      const { event, outputKey } = await job({ output: true, userParameters: { failOn: 'never' } });
      await runJob(event, h.context, h.deps);
      successOf(event);
      const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
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

describe('pipeline job: logs', () => {
  it('never show the artifact credentials, and carry the job id', async () => {
    // Prepare: one success, one failure through the artifact path, one parameter error
    await createLzaOrg(env.admin);
    const h = harness({ stateBucket: true });
    const success = await job({
      output: true,
      userParameters: { failOn: 'never', pipelineExecutionId: EXECUTION_ID },
    });
    const missing = await job({ files: { 'other.yaml': 'x: 1\n' } });
    const badParameters = await job({ userParameters: '{"roleArn": 1}' });

    // Act
    for (const { event } of [success, missing, badParameters]) await runJob(event, h.context, h.deps);

    // Assess
    expect(env.codePipeline.results().map((r) => r.kind)).toEqual(['success', 'failure', 'failure']);
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
