/**
 * The pipeline job and what AWS answers, end to end: access denied, throttling within and past the
 * retry budget, a missing artifact object, and AWS's own account of the effective policies
 * (DescribeEffectivePolicy, the invalid-policy lists) deciding the verdict.
 */
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { scriptJobExecution } from '../../support/codepipeline-endpoint.ts';
import { createLzaOrg } from '../../support/moto-org.ts';
import {
  converge,
  failureOf,
  type Harness,
  harness,
  job,
  successOf,
  useJobEmulators,
} from './job-harness.ts';
import {
  ARTIFACT_BUCKET,
  jobIdOf,
  PIPELINE_NAME,
  pipelineEvent,
  readOutputArtifact,
} from './pipeline-fixtures.ts';

const env = useJobEmulators();

describe('pipeline job: AWS errors', () => {
  it('access denied is a PermissionError naming the operation and the permission', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    env.proxy.addFault({
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
    expect(env.proxy.seen.filter((s) => s.operation === 'ListPolicies')).toEqual([
      { operation: 'ListPolicies', faulted: true },
    ]);
  });

  it('throttling past the retry budget is SystemUnavailable', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    env.proxy.addFault({
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
    expect(env.proxy.seen.filter((s) => s.operation === 'DescribeOrganization')).toHaveLength(3);
  });

  it('throttling within the retry budget still succeeds', async () => {
    // Prepare
    await createLzaOrg(env.admin);
    await converge();
    env.proxy.addFault({ operation: 'ListRoots', times: 2, type: 'TooManyRequestsException' });
    const h = harness({ orgAttempts: 3 });
    const { event } = await job();

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(env.proxy.seen.filter((s) => s.operation === 'ListRoots' && s.faulted)).toHaveLength(2);
  });

  it('a missing input artifact object fails the job and names the object', async () => {
    // Prepare
    const h = harness();
    const event = pipelineEvent({ inputKey: 'lza-pipeline/Config/missing' });
    scriptJobExecution(env.codePipeline, PIPELINE_NAME, event);

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

/** Runs a job with an output artifact that fails on drift (JobFailed); returns the failure and the artifact's reports. */
async function failedJobWithReport(h: Harness) {
  const { event, outputKey } = await job({ output: true });
  await runJob(event, h.context, h.deps);
  const failure = failureOf(event);
  expect(failure.type).toBe('JobFailed');
  const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
  return { failure, files, report: ReportSchema.parse(JSON.parse(files['report.json'] as string)) };
}

describe('pipeline job: the effective policies confirmed by AWS', () => {
  it("AWS's disagreement fails the job on the accounts it decides, and the report names it; one call per state", async () => {
    // Prepare: in sync by our computation; AWS (scripted by hand) says the root's accounts are opted in.
    const org = await createLzaOrg(env.admin);
    await converge();
    for (const name of ['management', 'log-archive', 'audit', 'dev-app']) {
      env.proxy.effectivePolicies.documents.set(
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
    const org = await createLzaOrg(env.admin);
    await converge();
    const error = {
      ErrorCode: 'ELEMENTS_TOO_MANY',
      PathToError: 'services.lex',
      ContributingPolicies: ['p-12345678'],
    };
    env.proxy.effectivePolicies.invalid.push(
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
    await createLzaOrg(env.admin);
    await converge();
    const h = harness();
    const { event } = await job({ userParameters: { verify: 'none' } });
    await runJob(event, h.context, h.deps);
    expect(successOf(event).variables.VERDICT).toBe('in-sync');
    expect(Object.keys(h.orgCalls).filter((op) => op.includes('Effective'))).toEqual([]);

    env.codePipeline.reset();
    const bad = await job({ userParameters: { verify: 'some' } });
    await runJob(bad.event, h.context, h.deps);
    const failure = env.codePipeline.results().find((r) => r.jobId === jobIdOf(bad.event));
    expect(failure?.kind === 'failure' && failure.failureDetails).toMatchObject({
      type: 'ConfigurationError',
      message: expect.stringMatching(/^UserParameters: verify: .*states.*all.*none.*\(got `some`\)/),
    });
  });
});
