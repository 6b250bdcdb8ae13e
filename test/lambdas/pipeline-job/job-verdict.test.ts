/**
 * The pipeline job's verdict, end to end (the real runJob against the emulators of job-harness.ts):
 * what succeeds and what fails under each `failOn`, the six output variables, and the summary or
 * failure message fitted to CodePipeline's limits with the most important lines first.
 */
import { ListPoliciesCommand, UpdatePolicyCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { totalCalls } from '../../support/call-counts.ts';
import { createLzaOrg } from '../../support/moto-org.ts';
import {
  bulkOrganization,
  converge,
  failureOf,
  harness,
  job,
  MESSAGE_LIMIT,
  resultCalls,
  SUMMARY_LIMIT,
  successOf,
  useJobEmulators,
  writes,
} from './job-harness.ts';
import { ARTIFACT_CREDENTIALS, readOutputArtifact } from './pipeline-fixtures.ts';

const env = useJobEmulators();

describe('pipeline job: success', () => {
  it('failOn never with drift succeeds with all six output variables and the report in the summary', async () => {
    // Prepare
    await createLzaOrg(env.admin);
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
    await createLzaOrg(env.admin);
    await converge();
    const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const production = list.Policies?.find((p) => p.Name === 'ai-optout-production');
    await env.admin.send(
      new UpdatePolicyCommand({ PolicyId: production?.Id, Description: 'edited by hand' }),
    );
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
    await createLzaOrg(env.admin);
    await converge();
    const list = await env.admin.send(new ListPoliciesCommand({ Filter: AI_POLICY_TYPE }));
    const production = list.Policies?.find((p) => p.Name === 'ai-optout-production');
    await env.admin.send(
      new UpdatePolicyCommand({ PolicyId: production?.Id, Description: 'edited by hand' }),
    );
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
    await createLzaOrg(env.admin);
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
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
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
