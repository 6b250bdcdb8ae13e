/**
 * The real handler export (lambdas/pipeline-job/handler.ts), configured by the environment the stack
 * sets, against the emulators of job-harness.ts: it wires every client and store from that environment
 * and runs a job end to end.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it, vi } from 'vitest';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { withEnvironment } from '../../support/process-env.ts';
import { aiPolicies, job, resultCalls, successOf, useJobEmulators } from './job-harness.ts';
import { OWN_PIPELINE_ENVIRONMENT, REGION, readOutputArtifact, STATE_BUCKET } from './pipeline-fixtures.ts';

const env = useJobEmulators();

describe('pipeline job: the real handler export, configured by the environment', () => {
  it('runs an enforce job against moto and reports once, even when delivered twice', async () => {
    // Prepare
    const org = await createLzaOrg(env.admin);
    const { event, outputKey } = await job({ userParameters: { mode: 'enforce' }, output: true });
    const environment = {
      AWS_ENDPOINT_URL: env.moto.endpoint,
      // Organizations through the proxy, which answers DescribeEffectivePolicy (moto has none).
      AWS_ENDPOINT_URL_ORGANIZATIONS: env.proxy.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: env.codePipeline.endpoint,
      // Security Hub through the proxy too, so that a call to it, which must not happen, would be seen.
      AWS_ENDPOINT_URL_SECURITYHUB: env.proxy.endpoint,
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
    expect(env.codePipeline.calls.map((c) => `${c.operation} ${c.error ?? 'ok'}`)).toEqual([
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
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    expect(ReportSchema.parse(JSON.parse(files['report.json'] as string)).applied).toHaveLength(7);
    // the state bucket, path-style at the endpoint override: the claim recorded, the outputs there
    const listed = await env.adminS3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string);
    expect(keys).toEqual(
      expect.arrayContaining([
        `ai-optout/jobs/${event['CodePipeline.job'].id}.json`,
        'ai-optout/snapshots/latest.json',
        'ai-optout/latest/report.html',
      ]),
    );
    // no Security Hub unless AI_OPTOUT_SECURITY_HUB=true
    expect(env.proxy.signed.filter((s) => s.service === 'securityhub')).toEqual([]);
    const hub = new SecurityHubClient({
      region: REGION,
      endpoint: env.moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    expect((await hub.send(new GetFindingsCommand({}))).Findings).toEqual([]);
  });

  it('assumes the role UserParameters name, writes the metrics line to standard output, and imports findings into Security Hub in its region', async () => {
    await createLzaOrg(env.admin);
    // moto's own account, whose organization createLzaOrg made
    const roleArn = 'arn:aws:iam::123456789012:role/ai-optout-reader';
    const { event } = await job({ userParameters: { roleArn, failOn: 'never' } });
    const environment = {
      AWS_ENDPOINT_URL: env.moto.endpoint,
      AWS_ENDPOINT_URL_ORGANIZATIONS: env.proxy.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: env.codePipeline.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SECURITYHUB: env.proxy.endpoint,
      AI_OPTOUT_PACE: 'none',
      AI_OPTOUT_SECURITY_HUB: 'true',
      ...OWN_PIPELINE_ENVIRONMENT,
      LOG_LEVEL: 'silent',
    };
    const written: string[] = [];
    const stdout = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => written.push(String(chunk)) > 0);

    try {
      await withEnvironment(environment, async () => {
        vi.resetModules();
        const { handler } = await import('../../../lambdas/pipeline-job/handler.ts');
        await handler(event, { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'role-request' });
      });
    } finally {
      stdout.mockRestore();
    }

    expect(successOf(event).variables.MODE).toBe('audit');
    // signed with the role's credentials from STS, not the function's own
    const keys = new Set(
      env.proxy.signed.filter((s) => s.service === 'organizations').map((s) => s.accessKeyId),
    );
    expect(keys.size).toBe(1);
    expect(keys.has(TEST_CREDENTIALS.accessKeyId)).toBe(false);
    // ApiCalls counts every call of the run: Organizations, and before them the job's confirmation
    // (ListActionExecutions), the role assumed (STS) and the input artifact read (S3).
    const line = written.find((l) => l.includes('"CloudWatchMetrics"')) ?? '{}';
    const organizationCalls = env.proxy.signed.filter((s) => s.service === 'organizations').length;
    expect(organizationCalls).toBeGreaterThan(0);
    expect(JSON.parse(line).ApiCalls).toBe(organizationCalls + 3);
    // Security Hub, with the function's own credentials, signed for the function's region
    const hub = env.proxy.signed.filter((s) => s.service === 'securityhub');
    expect(hub.length).toBeGreaterThan(0);
    expect(new Set(hub.map((s) => `${s.region} ${s.accessKeyId}`))).toEqual(
      new Set([`${REGION} ${TEST_CREDENTIALS.accessKeyId}`]),
    );
    expect(written.filter((l) => l.includes('"CloudWatchMetrics"'))).toEqual([
      expect.stringMatching(/"FunctionName":"ai-optout-validate".*"verdict":"drift".*\n$/),
    ]);
  });
});
