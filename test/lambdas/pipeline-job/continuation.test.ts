/**
 * Continuations as tables (lambdas/pipeline-job/organization.ts): the share of the work CodePipeline
 * shows, which continuation tokens a job takes up (the real ContinuationStore on moto's S3), and the
 * progress a job cut short saves and the result it reports.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { DeadlineError } from '../../../lambdas/domain/errors.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { type JobDependencies, stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import {
  continueLater,
  openOrganization,
  percentComplete,
} from '../../../lambdas/pipeline-job/organization.ts';
import { parseUserParameters } from '../../../lambdas/pipeline-job/parameters.ts';
import { EXAMPLE_WITH_BEDROCK } from '../../support/bedrock-section.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import { TEST_CREDENTIALS } from '../../support/moto-org.ts';
import { useJobEmulators } from './job-harness.ts';
import { pipelineEvent, REGION, STATE_BUCKET } from './pipeline-fixtures.ts';
import { stepRun } from './step-run.ts';

const env = useJobEmulators();
const EXECUTION = '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60';
const OTHER_EXECUTION = '0d9c8b7a-6f5e-4d3c-8b2a-190807060504';
const PROGRESS = {
  organization: { id: 'o-example', managementAccountId: '111111111111' },
  hierarchy: {
    organizationalUnits: [{ id: 'ou-1', name: 'Workloads', parentId: 'r-1' }],
    accounts: [{ id: '222222222222', name: 'prod', email: 'owner@example.com', parentId: 'ou-1' }],
    pending: ['ou-2', 'ou-3', 'ou-4'],
  },
};

/** The job's dependencies with the state bucket's stores, and an Organizations client nothing calls here. */
function deps(stateBucket = true): Partial<JobDependencies> {
  return {
    ...(stateBucket ? { stateBucket: stateStores(env.adminS3, STATE_BUCKET) } : {}),
    organizations: () =>
      new OrganizationsClient({
        region: REGION,
        endpoint: 'http://127.0.0.1:9',
        credentials: TEST_CREDENTIALS,
      }),
  };
}

const params = { ...parseUserParameters(undefined), pipelineExecutionId: EXECUTION };

function loaded(yaml: string): DesiredState {
  const read = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join('\n'));
  return read.state;
}
const AI_ONLY = loaded(EXAMPLE_YAML);
const WITH_BEDROCK = loaded(EXAMPLE_WITH_BEDROCK);
const audit = { mode: 'audit' as const, desired: AI_ONLY };

describe('continuations: the share of the work shown', () => {
  // OUs read (the root counts as one), OUs left -> percent
  it.each([
    [1, 0, 90],
    [1, 1, 45],
    [2, 1, 60],
    [3, 1, 67],
    [1, 89, 1],
    [1, 90, 1],
    [1, 1000, 1],
    [1000, 1, 89],
  ])('%i read, %i left: %i %%', (read, pending, percent) => {
    expect(percentComplete(read, pending)).toBe(percent);
  });
});

describe('continuations: which tokens a job takes up', () => {
  async function saved(executionId: string, policyTypes?: string[]): Promise<string> {
    const { continuations } = stateStores(env.adminS3, STATE_BUCKET);
    const state = {
      version: 2 as const,
      firstJobId: 'first-job',
      pipelineExecutionId: executionId,
      createdAt: 'x',
      ...(policyTypes ? { policyTypes } : {}),
    };
    return continuations.save({ ...state, progress: PROGRESS });
  }
  const continuing = (token: string) => {
    const event = pipelineEvent({ inputKey: 'in' });
    (event['CodePipeline.job'].data as { continuationToken?: string }).continuationToken = token;
    return event['CodePipeline.job'] as Parameters<typeof openOrganization>[0];
  };

  it('no token: a fresh run, this job its first', async () => {
    const { run } = stepRun({ deps: deps() });

    const organization = await openOrganization(
      continuing(undefined as unknown as string),
      params,
      audit,
      run,
    );

    expect(organization).toMatchObject({
      firstJobId: run.jobId,
      pipelineExecutionId: EXECUTION,
      progress: undefined,
    });
  });

  it("this execution's own token: the progress saved, the first job's id kept, no e-mail address", async () => {
    const { run } = stepRun({ deps: deps() });

    const organization = await openOrganization(
      continuing(await saved(EXECUTION)),
      params,
      { ...audit, mode: 'enforce' },
      run,
    );

    expect(organization.firstJobId).toBe('first-job');
    expect(organization.mode).toBe('enforce');
    expect(organization.progress?.hierarchy.pending).toEqual(['ou-2', 'ou-3', 'ou-4']);
    expect(JSON.stringify(organization.progress)).not.toContain('@');
  });

  it.each([
    [
      "another execution's token",
      (): Promise<string> => saved(OTHER_EXECUTION),
      true,
      `the continuation token names the progress of another pipeline execution (${OTHER_EXECUTION}), not of ${EXECUTION}; nothing was read or written`,
    ],
    [
      'a token without a state bucket',
      async (): Promise<string> => '{"v":1,"key":"ai-optout/continuations/x.json.gz"}',
      false,
      'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
    ],
    [
      'a token outside the continuations',
      async (): Promise<string> => '{"v":1,"key":"../secrets.json"}',
      true,
      'the continuation token is not one this function wrote',
    ],
  ] as const)('%s is a ConfigurationError', async (_name, token, withBucket, message) => {
    const { run } = stepRun({ deps: deps(withBucket) });

    const error = await openOrganization(continuing(await token()), params, audit, run).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ name: 'ConfigurationError', message });
  });

  const BOTH = [AI_POLICY_TYPE, BEDROCK_POLICY_TYPE];
  // The types the saved read was started for (undefined: a state saved before there were two), the file's.
  it.each([
    ['a read of AI opt-out alone, saved before the field', undefined, AI_ONLY, undefined],
    ['a read of AI opt-out alone', [AI_POLICY_TYPE], AI_ONLY, undefined],
    ['a read of both types, for a file with a bedrock section', BOTH, WITH_BEDROCK, undefined],
    [
      'a read of AI opt-out alone, saved before the field, for a file with a bedrock section',
      undefined,
      WITH_BEDROCK,
      `the continuation token names a read of the ${AI_POLICY_TYPE} policies, but ai-optout.yaml needs the ${AI_POLICY_TYPE} and ${BEDROCK_POLICY_TYPE} policies; nothing was read or written: run the pipeline again so that one read covers them`,
    ],
    [
      'a read of both types, for a file without the section',
      BOTH,
      AI_ONLY,
      `the continuation token names a read of the ${AI_POLICY_TYPE} and ${BEDROCK_POLICY_TYPE} policies, but ai-optout.yaml needs the ${AI_POLICY_TYPE} policies; nothing was read or written: run the pipeline again so that one read covers them`,
    ],
    [
      'a read of the types in another order',
      [BEDROCK_POLICY_TYPE, AI_POLICY_TYPE],
      WITH_BEDROCK,
      `the continuation token names a read of the ${BEDROCK_POLICY_TYPE} and ${AI_POLICY_TYPE} policies, but ai-optout.yaml needs the ${AI_POLICY_TYPE} and ${BEDROCK_POLICY_TYPE} policies; nothing was read or written: run the pipeline again so that one read covers them`,
    ],
  ])('%s: taken up, or refused in one sentence', async (_name, types, desired, refusal) => {
    const { run } = stepRun({ deps: deps() });
    const token = await saved(EXECUTION, types);

    const opened = await openOrganization(continuing(token), params, { ...audit, desired }, run).catch(
      (e: unknown) => e,
    );

    if (refusal) expect(opened).toMatchObject({ name: 'ConfigurationError', message: refusal });
    else
      expect(opened).toMatchObject({
        firstJobId: 'first-job',
        progress: { hierarchy: { pending: ['ou-2', 'ou-3', 'ou-4'] } },
      });
  });
});

describe('continuations: a job cut short', () => {
  it('saves its progress (with the first job and the execution) and reports a continuation', async () => {
    const { run, logs } = stepRun({ deps: deps() });
    const organization = await openOrganization(
      pipelineEvent({ inputKey: 'in' })['CodePipeline.job'] as Parameters<typeof openOrganization>[0],
      params,
      audit,
      run,
    );

    const result = await continueLater(PROGRESS, 'reading the organization', organization, run);

    expect(result).toEqual({
      kind: 'continue',
      summary:
        'reading the organization: 1 OUs and 1 accounts read, 3 OUs left; continuing in the next invocation (mode audit)',
      token: JSON.stringify({ v: 1, key: `ai-optout/continuations/${run.jobId}.json.gz` }),
      percentComplete: 36, // the root and 1 OU read of 5 known: 2 / 5 of 90 %
    });
    const loaded = await stateStores(env.adminS3, STATE_BUCKET).continuations.load(
      result.kind === 'continue' ? result.token : '',
    );
    expect(loaded).toMatchObject({
      firstJobId: run.jobId,
      pipelineExecutionId: EXECUTION,
      createdAt: '2026-12-01T06:00:00.000Z',
      policyTypes: [AI_POLICY_TYPE],
    });
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        pending: 3,
        ous: 1,
        accounts: 1,
        msg: result.kind === 'continue' ? result.summary : '',
      }),
    ]);
  });

  it('of a file with a bedrock section, saves that its read covers both types', async () => {
    const { run } = stepRun({ deps: deps() });
    const job = pipelineEvent({ inputKey: 'in' })['CodePipeline.job'] as Parameters<
      typeof openOrganization
    >[0];
    const organization = await openOrganization(job, params, { ...audit, desired: WITH_BEDROCK }, run);

    const result = await continueLater(PROGRESS, 'reading the organization', organization, run);

    const token = result.kind === 'continue' ? result.token : '';
    const loaded = await stateStores(env.adminS3, STATE_BUCKET).continuations.load(token);
    expect(loaded.policyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
  });

  it('without a state bucket there is nowhere to continue from: the deadline is the result', async () => {
    const { run, fire } = stepRun({ deps: deps(false) });
    const organization = await openOrganization(
      pipelineEvent({ inputKey: 'in' })['CodePipeline.job'] as Parameters<typeof openOrganization>[0],
      params,
      audit,
      run,
    );
    fire();

    const error = await continueLater(PROGRESS, 'reading the organization', organization, run).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DeadlineError);
  });
});
