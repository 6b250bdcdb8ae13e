/**
 * The snapshot the pipeline publishes, end to end against moto (Organizations, S3, KMS): the real
 * handler export, configured by the environment the stack sets, publishes the organization to its state
 * bucket after a run; the published form has no e-mail address and is still a snapshot `plan` reads; and
 * `plan --snapshot s3://…` (the real CLI, reading through moto's S3) gives the plan a live read gives.
 * The emulators are job-harness.ts's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Throttle } from '../../../lambdas/adapters/organizations/throttle.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { validateSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { OrganizationSession } from '../../../lambdas/organization-session.ts';
import { LATEST_SNAPSHOT_KEY, SNAPSHOT_HISTORY_PREFIX } from '../../../lambdas/runtime/state-bucket.ts';
import { runCli } from '../../support/cli-in-process.ts';
import { scriptJobExecution } from '../../support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { addPolicy, createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { withEnvironment } from '../../support/process-env.ts';
import { useJobEmulators } from './job-harness.ts';
import {
  createKmsKey,
  OWN_PIPELINE_ENVIRONMENT,
  PIPELINE_NAME,
  pipelineEvent,
  putInputArtifact,
  REGION,
  STATE_BUCKET,
} from './pipeline-fixtures.ts';

const env = useJobEmulators();
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-published-'));
const NOW = new Date('2026-12-01T12:00:00Z');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function objectText(key: string): Promise<string> {
  const object = await env.adminS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

/** The real CLI, its clock at `now`, Organizations (for live plans) and S3 (through the environment) at moto. */
async function cli(args: string[], now: Date) {
  const environment = {
    AWS_ENDPOINT_URL: env.moto.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  };
  const live = () => ({ client: env.admin, throttle: new Throttle({ rates: 'none' }) });
  return withEnvironment(environment, () => runCli(args, { now, live }));
}

const byAccountService = (
  a: { accountId: string; service: string },
  b: { accountId: string; service: string },
) => `${a.accountId}/${a.service}`.localeCompare(`${b.accountId}/${b.service}`);

/**
 * A report without what differs by how the organization was read: when, from where, and the order of
 * the per-account rows (they follow the order the accounts were read in, which a live read does not fix).
 */
/** The plan itself: not when it was made, from what, or whether AWS confirmed it (a snapshot cannot be). */
function planPart(json: string): unknown {
  const {
    generatedAt: _at,
    snapshot: _snapshot,
    fidelity: _fidelity,
    ...rest
  } = ReportSchema.parse(JSON.parse(json));
  return {
    ...rest,
    effectiveChanges: [...rest.effectiveChanges].sort(byAccountService),
    violations: [...rest.violations].sort(byAccountService),
  };
}

describe('the snapshot the pipeline publishes', () => {
  it('is written after a run (latest and a dated copy, SSE-KMS with the stack key), has no e-mail address, and plans as the live read does', async () => {
    // Prepare: an organization with drift (an unmanaged policy tagged with an owner's address) and a job
    const org = await createLzaOrg(env.admin);
    await addPolicy(
      env.admin,
      org,
      'hand-made',
      { services: { lex: { opt_out_policy: { '@@assign': 'optIn' } } } },
      ['prod-app'],
      {
        tags: { owner: 'alice@example.com' },
      },
    );
    const keyArn = await createKmsKey(env.moto.endpoint);
    const event = pipelineEvent({
      inputKey: await putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML }),
      // moto has no DescribeEffectivePolicy: this test is about the snapshot, not AWS's confirmation.
      userParameters: { failOn: 'never', verify: 'none' },
    });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, event);
    const environment = {
      AWS_ENDPOINT_URL: env.moto.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: env.codePipeline.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AI_OPTOUT_PACE: 'none',
      AI_OPTOUT_STATE_BUCKET: STATE_BUCKET,
      AI_OPTOUT_STATE_KEY_ARN: keyArn,
      ...OWN_PIPELINE_ENVIRONMENT,
      LOG_LEVEL: 'silent',
    };

    // Act
    await withEnvironment(environment, async () => {
      // The handler reads its environment when loaded: load it afresh (test files share modules).
      vi.resetModules();
      const { handler } = await import('../../../lambdas/pipeline-job/handler.ts');
      await handler(event, { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'publish-request' });
    });

    // Assess: one success, and the two objects
    expect(env.codePipeline.results().map((r) => r.kind)).toEqual(['success']);
    const latest = await objectText(LATEST_SNAPSHOT_KEY);
    const history = await env.adminS3.send(
      new ListObjectsV2Command({ Bucket: STATE_BUCKET, Prefix: SNAPSHOT_HISTORY_PREFIX }),
    );
    const historyKeys = (history.Contents ?? []).map((o) => o.Key as string);
    expect(historyKeys).toHaveLength(1);
    expect(historyKeys[0]).toMatch(/^ai-optout\/snapshots\/history\/\d{4}-\d\d-\d\dT\d{6}Z\.json$/);
    expect(await objectText(historyKeys[0] as string)).toBe(latest);
    for (const key of [LATEST_SNAPSHOT_KEY, historyKeys[0] as string]) {
      const head = await env.adminS3.send(new HeadObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(head.SSEKMSKeyId).toBe(keyArn);
      // Without the Bucket Key, S3 asks KMS with the object's ARN as context: readers' grants rely on it.
      expect(head.BucketKeyEnabled).toBe(false);
    }

    // No e-mail address, although the organization has 7 accounts with one each (and a tag with one)
    const full = await new OrganizationSession({
      client: env.admin,
      throttle: new Throttle({ rates: 'none' }),
    }).read();
    expect(full.accounts.filter((a) => a.email?.includes('@'))).toHaveLength(7);
    expect(latest).not.toMatch(/@example\.com/);
    expect(latest).not.toMatch(/"email"/);
    const published = validateSnapshot(JSON.parse(latest), 's3 object');
    expect(published.accounts.map((a) => a.id).sort()).toEqual(full.accounts.map((a) => a.id).sort());
    expect(published.policies.find((p) => p.name === 'hand-made')?.tags).toEqual({});

    // plan --snapshot s3://… (moto's S3) gives the live plan
    const config = join(dir, 'ai-optout.yaml');
    writeFileSync(config, EXAMPLE_YAML);
    const url = `s3://${STATE_BUCKET}/${LATEST_SNAPSHOT_KEY}`;
    const fromS3 = await cli(['plan', '--config', config, '--snapshot', url, '--format', 'json'], NOW);
    const live = await cli(['plan', '--config', config, '--verify', 'none', '--format', 'json'], NOW);
    expect(fromS3.stderr).toBe('');
    expect(fromS3.code).toBe(2);
    expect(live.code).toBe(2);
    const report = ReportSchema.parse(JSON.parse(fromS3.stdout));
    expect(report.snapshot).toEqual({ capturedAt: published.capturedAt, source: url });
    // The type is not enabled yet: nothing applies, so every account's default is unset today
    expect(report.violations.map((v) => `${v.service}:${v.actual}`)).toEqual(Array(7).fill('default:unset'));
    expect(report.changes.length).toBeGreaterThan(0);
    expect(planPart(fromS3.stdout)).toEqual(planPart(live.stdout));
  });

  it('plan --snapshot s3://… names a missing object, and refuses a URL without a key', async () => {
    const config = join(dir, 'ai-optout.yaml');
    writeFileSync(config, EXAMPLE_YAML);
    const missing = await cli(
      ['plan', '--config', config, '--snapshot', `s3://${STATE_BUCKET}/nothing.json`],
      NOW,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      new RegExp(
        `^error: snapshot s3://${STATE_BUCKET}/nothing\\.json does not exist \\(NoSuch(Key|Bucket)\\)`,
      ),
    );
    const bad = await cli(['plan', '--config', config, '--snapshot', `s3://${STATE_BUCKET}`], NOW);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^error: s3:\/\/ai-optout-state-111111111111 is not an S3 object URL: write s3:\/\/<bucket>\/<key>/,
    );
  });
});
