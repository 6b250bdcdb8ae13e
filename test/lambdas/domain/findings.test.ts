/** The plan's ASFF findings, for the demo organization (5 non-compliant accounts, 3 unmanaged policies). */
import { describe, expect, it } from 'vitest';
import { complianceFindings, productArn, resolvedFinding } from '../../../lambdas/domain/findings.ts';
import { plan as planOf } from '../../../lambdas/domain/planner.ts';
import { exampleDesiredState } from '../../support/example-desired-state.ts';
import { examplePlan } from '../../support/example-plan.ts';
import { OrgBuilder } from '../../support/org-builder.ts';

const scope = { accountId: '111122223333', region: 'eu-west-1', partition: 'aws' };
const now = new Date('2026-12-01T06:00:00Z');

describe('Security Hub findings of a plan', () => {
  // Computed inside each test, not once here: Stryker runs a mutant against the tests that execute it,
  // and code that runs while the file loads counts as no test's.
  const computed = () => {
    const plan = examplePlan();
    return { plan, findings: complianceFindings(plan, scope, now) };
  };

  it('one per non-compliant account and one per unmanaged policy, all in the caller’s account under its default product', () => {
    const { plan, findings } = computed();
    const accounts = findings.filter((f) => f.Resources[0]?.Type === 'AwsAccount');
    expect(accounts).toHaveLength(plan.accounts.nonCompliant);
    const unmanaged = plan.changes.filter((c) => c.action === 'unmanaged-policy');
    expect(findings.filter((f) => f.Id.includes('/unmanaged-policy/'))).toHaveLength(
      new Set(unmanaged.map((c) => c.policyId)).size,
    );
    expect(findings).toHaveLength(accounts.length + 3);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    for (const f of findings) {
      expect(f.AwsAccountId).toBe('111122223333');
      expect(f.ProductArn).toBe('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
      expect(f.Title.length).toBeLessThanOrEqual(256);
      expect(f.Description.length).toBeLessThanOrEqual(1024);
      expect(f.Resources.length).toBeGreaterThanOrEqual(1);
    }
    expect(productArn({ ...scope, partition: 'aws-cn', region: 'cn-north-1' })).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
  });

  it('an account finding says which services and which policy decide them', () => {
    const { findings } = computed();
    const dataDev = findings.find((f) => f.Resources[0]?.Id === 'AWS::::Account:347960518243');
    expect(dataDev?.Title).toBe(
      'Account data-dev (347960518243) does not opt out of AI services as the desired state expects',
    );
    expect(dataDev?.Description).toContain('default is optIn (dev-experiments on data-dev (347960518243))');
  });

  it('an account finding and an unmanaged-policy finding, whole [SECHUB-ASFF]', () => {
    const { findings } = computed();
    const common = {
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'ai-optout/effective-ai-services-opt-out',
      AwsAccountId: '111122223333',
      CreatedAt: '2026-12-01T06:00:00.000Z',
      UpdatedAt: '2026-12-01T06:00:00.000Z',
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      ProductFields: {
        'ai-optout/OrganizationId': 'o-k3x9p2m7qa',
        'ai-optout/Mode': 'audit',
        'ai-optout/PolicyType': 'AISERVICES_OPT_OUT_POLICY',
      },
    };
    const types = ['Software and Configuration Checks/AWS Security Best Practices'];
    expect(findings.find((f) => f.Id.endsWith('/account/347960518243'))).toEqual({
      ...common,
      Id: 'ai-optout/o-k3x9p2m7qa/account/347960518243',
      Title: 'Account data-dev (347960518243) does not opt out of AI services as the desired state expects',
      Description:
        'Root/Workloads/Dev/data-dev: 1 service not opted out: default is optIn (dev-experiments on data-dev (347960518243)). Fix the policies (ai-optout apply, or the pipeline in enforce mode) or the desired state.',
      Resources: [
        { Type: 'AwsAccount', Id: 'AWS::::Account:347960518243', Partition: 'aws', Region: 'eu-west-1' },
      ],
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'HIGH' }, Types: types },
    });
    expect(findings.find((f) => f.Id.endsWith('/unmanaged-policy/p-5mr1n6hd'))).toEqual({
      ...common,
      Id: 'ai-optout/o-k3x9p2m7qa/unmanaged-policy/p-5mr1n6hd',
      Title: 'AI opt-out policy AIOptOutFromGuide is attached but not managed by ai-optout',
      Description:
        'unmanaged policy AIOptOutFromGuide is attached to Root/Suspended; apply leaves it (unmanaged: report)',
      Resources: [
        {
          Type: 'Other',
          Id: 'arn:aws:organizations::381492015573:organization/o-k3x9p2m7qa',
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
      FindingProviderFields: { Severity: { Label: 'MEDIUM', Original: 'MEDIUM' }, Types: types },
    });
    // The findings come in order: the policy type, unmanaged policies, then accounts.
    expect(findings.map((f) => f.Id.split('/')[2])).toEqual([
      ...Array(3).fill('unmanaged-policy'),
      ...Array(5).fill('account'),
    ]);
  });

  it('a resolved finding is passed and archived as of now, otherwise the same', () => {
    const { findings } = computed();
    const first = findings[0] as (typeof findings)[number];
    const later = new Date('2026-12-02T06:00:00Z');
    expect(resolvedFinding(first, later)).toEqual({
      ...first,
      UpdatedAt: '2026-12-02T06:00:00.000Z',
      Compliance: { Status: 'PASSED' },
      RecordState: 'ARCHIVED',
    });
  });

  it('a policy type that is not enabled is one HIGH finding on the organization [SECHUB-ASFF]', () => {
    const disabled = planOf(
      exampleDesiredState(),
      new OrgBuilder()
        .account('a', 'Sandbox')
        .account('b', 'Workloads/Prod')
        .withPolicyType(undefined)
        .build(),
    );
    const [typeFinding] = complianceFindings(disabled, scope, now).filter((f) =>
      f.Id.endsWith('/policy-type-disabled'),
    );
    expect(typeFinding).toMatchObject({
      Title: 'The AI services opt-out policy type is not enabled: no account is opted out by policy',
      Description: disabled.changes.find((c) => c.action === 'enable-policy-type')?.detail,
      FindingProviderFields: { Severity: { Label: 'HIGH', Original: 'HIGH' } },
      Resources: [
        {
          Type: 'Other',
          Id: `arn:aws:organizations::${disabled.organization.managementAccountId}:organization/${disabled.organization.id}`,
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
    });
  });

  it('cuts a description to 1,024 characters and a title to 256, ending in … [SECHUB-ASFF]', () => {
    const { plan } = computed();
    const [first] = plan.violations as [(typeof plan.violations)[number]];
    const long = {
      ...plan,
      violations: [{ ...first, causeDetail: 'x'.repeat(2000), accountName: 'n'.repeat(300) }],
    };
    const [account] = complianceFindings(long, scope, now).filter(
      (f) => f.Resources[0]?.Type === 'AwsAccount',
    );
    expect(account?.Description).toHaveLength(1024);
    expect(account?.Description.endsWith('x…')).toBe(true);
    expect(account?.Title).toHaveLength(256);
    expect(account?.Title.endsWith('n…')).toBe(true);
  });
});
