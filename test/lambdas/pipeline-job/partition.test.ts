/**
 * The real `handler` export in other partitions, configured only by the environment as Lambda sets it:
 * its Organizations calls go to the Organizations region of its own AWS_REGION's partition (recorded
 * from each request's SigV4 credential scope at a proxy in front of moto), and in GovCloud, where AWS
 * says AI opt-out policies do not apply, the job fails with one sentence instead of a verdict.
 */
import { describe, expect, it, vi } from 'vitest';
import { scriptJobExecution } from '../../support/codepipeline-endpoint.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { createLzaOrgInPartitionOf, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { withEnvironment } from '../../support/process-env.ts';
import { useJobEmulators } from './job-harness.ts';
import {
  OWN_PIPELINE_ENVIRONMENT,
  PIPELINE_NAME,
  type PipelineEvent,
  pipelineEvent,
  putInputArtifact,
} from './pipeline-fixtures.ts';

const env = useJobEmulators();

/** Loads the handler module afresh in a function environment for `region` and runs one job. */
function runHandlerIn(region: string, event: PipelineEvent): Promise<void> {
  const environment = {
    AWS_REGION: region,
    AWS_ENDPOINT_URL: env.proxy.endpoint,
    AWS_ENDPOINT_URL_CODEPIPELINE: env.codePipeline.endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AI_OPTOUT_PACE: 'none',
    AI_OPTOUT_MODE_CEILING: 'audit',
    ...OWN_PIPELINE_ENVIRONMENT,
    LOG_LEVEL: 'silent',
  };
  return withEnvironment(environment, async () => {
    vi.resetModules();
    const { handler } = await import('../../../lambdas/pipeline-job/handler.ts');
    await handler(event, { getRemainingTimeInMillis: () => 600_000, awsRequestId: `req-${region}` });
  });
}

async function auditJob(): Promise<PipelineEvent> {
  const inputKey = await putInputArtifact(env.adminS3, { 'ai-optout.yaml': EXAMPLE_YAML });
  const event = pipelineEvent({ inputKey, userParameters: { mode: 'audit', failOn: 'never' } });
  scriptJobExecution(env.codePipeline, PIPELINE_NAME, event);
  return event;
}

describe('the pipeline job in other partitions', () => {
  it('in cn-north-1 signs every Organizations call for cn-northwest-1, and reports a verdict', async () => {
    await createLzaOrgInPartitionOf('cn-northwest-1', env.moto.endpoint);

    await runHandlerIn('cn-north-1', await auditJob());

    const organizations = env.proxy.signed.filter((s) => s.service === 'organizations');
    expect(organizations.map((s) => s.operation)).toEqual(
      expect.arrayContaining(['DescribeOrganization', 'ListRoots', 'ListPolicies']),
    );
    expect(new Set(organizations.map((s) => s.region))).toEqual(new Set(['cn-northwest-1']));
    const [result] = env.codePipeline.results();
    expect(result?.kind).toBe('success');
    expect(result?.kind === 'success' && result.outputVariables?.VERDICT).toBe('drift');
  });

  it('in GovCloud fails the job with a ConfigurationError of one sentence and calls no Organizations API', async () => {
    await runHandlerIn('us-gov-east-1', await auditJob());

    expect(env.proxy.signed.filter((s) => s.service === 'organizations')).toEqual([]);
    const results = env.codePipeline.results();
    expect(results).toHaveLength(1);
    expect(results[0]?.kind === 'failure' && results[0].failureDetails).toEqual({
      type: 'ConfigurationError',
      message:
        'AI services opt-out policies do not apply in us-gov-west-1 (partition aws-us-gov): AWS applies the opt-out setting to all AWS Regions excluding the AWS GovCloud (US) Regions, so there is no AISERVICES_OPT_OUT_POLICY to check or enforce there.',
      externalExecutionId: 'req-us-gov-east-1',
    });
  });
});
