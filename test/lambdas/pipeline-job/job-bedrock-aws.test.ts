/**
 * The pipeline job on a file with a `bedrock:` section and what leaves it, end to end through the real
 * runJob against moto and the proxy: AWS disagreeing on one account's Bedrock effective policy (audit and
 * enforce), Security Hub findings of Bedrock violations (moto's Security Hub), and the per-type output
 * variables and metrics lines of an audit run with Bedrock changes and violations.
 */
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { beforeEach, describe, expect, it } from 'vitest';
import { FINDING_GENERATOR } from '../../../lambdas/domain/findings.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import { ReportSchema } from '../../../lambdas/domain/report/schema.ts';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { bedrockAnswerFromMoto } from '../../support/bedrock-aws-answer.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { createLzaOrg, type MotoOrg, TEST_CREDENTIALS } from '../../support/moto-org.ts';
import {
  bedrockPolicies,
  bedrockYaml,
  enforce,
  guardrails,
  shareGuardrails,
} from './bedrock-job-fixtures.ts';
import { failureOf, harness, job, successOf, useJobEmulators, writes } from './job-harness.ts';
import { REGION, readOutputArtifact } from './pipeline-fixtures.ts';

const env = useJobEmulators();
// AWS's Bedrock effective policies, as moto's organization is at each call (the job asks AWS).
beforeEach(() => {
  env.proxy.effectivePolicies.bedrockRule = bedrockAnswerFromMoto(env.admin);
});

/** The file of these tests: the Bedrock section with its expect rule (AWS's answer is checked against it). */
const yamlOf = (org: MotoOrg) => bedrockYaml(org, { expect: true });

/** An organization an enforce run converged, Bedrock policy included; then AWS says prod-app is held to version 2. */
async function awsDisagreesOnProdApp(): Promise<MotoOrg> {
  const org = await createLzaOrg(env.admin);
  await shareGuardrails(org);
  await enforce(yamlOf(org));
  env.codePipeline.reset();
  const printed = await bedrockAnswerFromMoto(env.admin)(org.idOf('prod-app'));
  expect(printed).toContain(`${guardrails(org).east}:3`);
  env.proxy.effectivePolicies.bedrockDocuments.set(
    org.idOf('prod-app'),
    (printed as string).replace(`${guardrails(org).east}:3`, `${guardrails(org).east}:2`),
  );
  return org;
}

describe("pipeline job: AWS's account of the Bedrock effective policies", () => {
  it("AWS disagreeing on one account fails the job on that account (as AI opt-out's disagreement does), and the report names the account and the type", async () => {
    // Prepare
    const org = await awsDisagreesOnProdApp();
    const h = harness({ bedrockPolicies: true });
    const { event, outputKey } = await job({ files: { 'ai-optout.yaml': yamlOf(org) }, output: true });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toMatch(
      /^drift: 0 changes, 1 violation in 1 account; 1 of 7 accounts non-compliant/,
    );
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report.fidelity?.byPolicyType?.map((t) => [t.policyType, t.checked, t.confirmed])).toEqual([
      [AI_POLICY_TYPE, 3, 3],
      [BEDROCK_POLICY_TYPE, 2, 1],
    ]);
    expect(report.fidelity?.disagreements).toEqual([
      expect.objectContaining({
        policyType: BEDROCK_POLICY_TYPE,
        accountId: org.idOf('prod-app'),
        accounts: 1,
        differences: [
          {
            service: 'us-east-1.config_1.identifier',
            local: `${guardrails(org).east}:3`,
            aws: `${guardrails(org).east}:2`,
          },
        ],
      }),
    ]);
    expect(report.violations.map((v) => [v.accountName, v.policyType])).toEqual([
      ['prod-app', BEDROCK_POLICY_TYPE],
    ]);
    expect(writes(h.orgCalls)).toBe(0);
  });

  it('in enforce mode the disagreement writes nothing: no change is planned for it, the job fails on the account AWS decides', async () => {
    // Prepare
    const org = await awsDisagreesOnProdApp();
    const before = await bedrockPolicies();

    // Act
    const { h, event, outputKey } = await enforce(yamlOf(org), 'drift', true);

    // Assess: the plan has nothing to write (the policies are as declared); AWS's answer is a violation
    const failure = failureOf(event);
    expect(failure.type).toBe('JobFailed');
    expect(failure.lines[0]).toBe(
      'nothing to apply; now drift: 0 changes, 1 violation in 1 account; 1 of 7 accounts non-compliant (mode enforce)',
    );
    expect(failure.lines[1]).toMatch(
      new RegExp(
        `^violation: prod-app \\(${org.idOf('prod-app')}\\) in Root/Workloads/Prod: us-east-1 is \\S+:2 `,
      ),
    );
    expect(writes(h.orgCalls)).toBe(0);
    expect(await bedrockPolicies()).toEqual(before);
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    expect(report.fidelity?.disagreements.map((d) => [d.policyType, d.accountId])).toEqual([
      [BEDROCK_POLICY_TYPE, org.idOf('prod-app')],
    ]);
    expect(report.applied ?? []).toEqual([]);
  });
});

describe('pipeline job: what an audit run with Bedrock violations leaves (Security Hub in moto, outputs, metrics)', () => {
  it('a finding per account and type, the Bedrock one of its own id and type; per-type output variables; a metrics line per type', async () => {
    // Prepare: the organization as created (nothing applied), its guardrails shared
    const org = await createLzaOrg(env.admin);
    await shareGuardrails(org);
    const hub = new SecurityHubClient({
      region: REGION,
      endpoint: env.moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    const h = harness({ bedrockPolicies: true });
    h.deps.securityHub = { client: hub, region: REGION };
    const metrics: string[] = [];
    h.deps.metrics = { functionName: 'ai-optout-job', write: (line) => metrics.push(line) };
    const { event, outputKey } = await job({
      files: { 'ai-optout.yaml': yamlOf(org) },
      userParameters: { mode: 'audit', failOn: 'never' },
      output: true,
    });

    // Act
    await runJob(event, h.context, h.deps);

    // Assess
    const { variables } = successOf(event);
    const { files } = await readOutputArtifact(env.adminS3, outputKey as string);
    const report = ReportSchema.parse(JSON.parse(files['report.json'] as string));
    const findings = ((await hub.send(new GetFindingsCommand({}))).Findings ?? []).filter(
      (f) => f.GeneratorId === FINDING_GENERATOR,
    );
    const typeOf = (row: { policyType?: string | undefined }) => row.policyType ?? AI_POLICY_TYPE;
    const count = (rows: { policyType?: string | undefined }[], type: string) =>
      String(rows.filter((r) => typeOf(r) === type).length);
    const prodApp = org.idOf('prod-app');

    // Output variables: each type's counts are the report's rows of that type, Bedrock's non-zero
    expect(variables).toMatchObject({
      [`CHANGES_${AI_POLICY_TYPE}`]: count(report.changes, AI_POLICY_TYPE),
      [`VIOLATIONS_${AI_POLICY_TYPE}`]: count(report.violations, AI_POLICY_TYPE),
      [`CHANGES_${BEDROCK_POLICY_TYPE}`]: count(report.changes, BEDROCK_POLICY_TYPE),
      [`VIOLATIONS_${BEDROCK_POLICY_TYPE}`]: '1',
    });
    expect(Number(variables[`CHANGES_${BEDROCK_POLICY_TYPE}`])).toBeGreaterThan(0);
    expect(
      report.violations.filter((v) => typeOf(v) === BEDROCK_POLICY_TYPE).map((v) => v.accountId),
    ).toEqual([prodApp]);

    // Security Hub: AI opt-out's account findings keep their ids; prod-app has a Bedrock one beside its AI one
    const byId = new Map(findings.map((f) => [f.Id, f]));
    const prefix = `ai-optout/${report.organization.id}`;
    const aiAccounts = new Set(
      report.violations.filter((v) => typeOf(v) === AI_POLICY_TYPE).map((v) => v.accountId),
    );
    expect(aiAccounts.size).toBe(7);
    for (const id of aiAccounts)
      expect(byId.get(`${prefix}/account/${id}`)?.ProductFields).toMatchObject({
        'ai-optout/PolicyType': AI_POLICY_TYPE,
      });
    const bedrock = byId.get(`${prefix}/account/${prodApp}/${BEDROCK_POLICY_TYPE}`);
    expect(bedrock).toMatchObject({
      ProductFields: { 'ai-optout/PolicyType': BEDROCK_POLICY_TYPE },
      Resources: [expect.objectContaining({ Type: 'AwsAccount', Id: `AWS::::Account:${prodApp}` })],
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
    });
    expect(bedrock?.Title).toContain(BEDROCK_POLICY_TYPE);
    const accountFindings = findings.filter((f: AwsSecurityFinding) =>
      f.Id?.startsWith(`${prefix}/account/`),
    );
    expect(accountFindings).toHaveLength(aiAccounts.size + 1);

    // Metrics: the run's line, then one per type with the PolicyType dimension, its figures the type's
    const [total, ...perType] = metrics.map((line) => parseEmfLine(line));
    expect(total?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['FunctionName']]);
    expect(perType.map((doc) => doc.PolicyType)).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    for (const doc of perType) {
      const type = doc.PolicyType as string;
      expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['FunctionName', 'PolicyType']]);
      expect(doc).toMatchObject({
        FunctionName: 'ai-optout-job',
        Changes: Number(variables[`CHANGES_${type}`]),
        Violations: Number(variables[`VIOLATIONS_${type}`]),
      });
    }
    expect(perType[1]).toMatchObject({ NonCompliantAccounts: 1 });
    hub.destroy();
  });
});
