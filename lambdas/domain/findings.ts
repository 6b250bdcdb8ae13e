/**
 * The plan as AWS Security Finding Format (ASFF) findings for Security Hub: one per non-compliant
 * account, one per unmanaged AI opt-out policy, and one when the policy type is not enabled. Another
 * policy type's rows (a `bedrock:` section's) are findings of their own, each naming its type in the
 * title and in `ProductFields['ai-optout/PolicyType']`; AI opt-out's keep their ids and words.
 *
 * Facts [SECHUB-ASFF]:
 * - required: SchemaVersion (`2018-10-08`), Id, ProductArn, GeneratorId, AwsAccountId, CreatedAt,
 *   UpdatedAt, Title (≤ 256), Description (≤ 1024), Resources (1–32, each Type and Id);
 * - with the default product ARN `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`
 *   the caller's account must be the finding's AwsAccountId: every finding is the function's own
 *   account's, and the member account it is about is its resource (`AwsAccount`, `AWS::::Account:<id>`);
 * - providers set severity and types through FindingProviderFields, not the top-level fields;
 * - a finding is updated by importing it again with the same Id and a later UpdatedAt.
 * Ids are deterministic, so the next run updates the same findings, and archives those it no longer finds
 * (Compliance PASSED, RecordState ARCHIVED: `resolvedFinding`).
 */
import { pushTo } from './collections.ts';
import type { Plan } from './planner/schema.ts';
import { plural } from './plural.ts';
import { AI_POLICY_TYPE } from './policy-types/ai-optout/facts.ts';
import { policyTypeOf } from './type-counts.ts';

export const FINDING_GENERATOR = 'ai-optout/effective-ai-services-opt-out';
const SCHEMA_VERSION = '2018-10-08';
const TYPES = ['Software and Configuration Checks/AWS Security Best Practices'];

/** Where the findings are imported: the function's own account, region and partition. */
export interface FindingScope {
  accountId: string;
  region: string;
  partition: string;
}

/** The ASFF fields this tool sends (a subset of `AwsSecurityFinding`). */
export interface Finding {
  SchemaVersion: string;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  CreatedAt: string;
  UpdatedAt: string;
  Title: string;
  Description: string;
  Resources: { Type: string; Id: string; Partition?: string; Region?: string }[];
  FindingProviderFields: { Severity: { Label: string; Original: string }; Types: string[] };
  Compliance: { Status: 'FAILED' | 'PASSED' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  ProductFields: Record<string, string>;
}

export function productArn(scope: FindingScope): string {
  return `arn:${scope.partition}:securityhub:${scope.region}:${scope.accountId}:product/${scope.accountId}/default`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

type Problem = Pick<Finding, 'Title' | 'Description' | 'Resources'> & {
  key: string;
  severity: string;
  policyType: string;
};

/** The findings of a plan, all FAILED and ACTIVE, first seen now (the adapter keeps an older CreatedAt). */
export function complianceFindings(plan: Plan, scope: FindingScope, now: Date): Finding[] {
  const time = now.toISOString();
  const org = plan.organization;
  return problems(plan, scope).map((problem) => ({
    SchemaVersion: SCHEMA_VERSION,
    Id: `ai-optout/${org.id}/${problem.key}`,
    ProductArn: productArn(scope),
    GeneratorId: FINDING_GENERATOR,
    AwsAccountId: scope.accountId,
    CreatedAt: time,
    UpdatedAt: time,
    Title: cut(problem.Title, 256),
    Description: cut(problem.Description, 1024),
    Resources: problem.Resources,
    FindingProviderFields: {
      Severity: { Label: problem.severity, Original: problem.severity },
      Types: TYPES,
    },
    Compliance: { Status: 'FAILED' },
    RecordState: 'ACTIVE',
    ProductFields: {
      'ai-optout/OrganizationId': org.id,
      'ai-optout/Mode': plan.mode,
      'ai-optout/PolicyType': problem.policyType,
    },
  }));
}

function problems(plan: Plan, scope: FindingScope): Problem[] {
  const org = plan.organization;
  const organization = {
    Type: 'Other',
    Id: `arn:${scope.partition}:organizations::${org.managementAccountId}:organization/${org.id}`,
    Partition: scope.partition,
    Region: scope.region,
  };
  const byAccount = new Map<string, Plan['violations']>();
  for (const violation of plan.violations)
    pushTo(byAccount, `${violation.accountId}/${policyTypeOf(violation)}`, violation);
  const accounts = [...byAccount.values()].map((violations) => accountProblem(violations, scope));
  const unmanaged: Problem[] = plan.changes
    .filter((c) => c.action === 'unmanaged-policy' && c.policyId)
    .map((c) => ({
      key: `unmanaged-policy/${c.policyId}`,
      severity: 'MEDIUM',
      Title: `${c.policyType ? `${c.policyType} policy` : 'AI opt-out policy'} ${c.policy} is attached but not managed by ai-optout`,
      Description: c.detail,
      Resources: [organization],
      policyType: policyTypeOf(c),
    }));
  const typeDisabled: Problem[] = plan.changes
    .filter((c) => c.action === 'enable-policy-type')
    .map((c) => ({
      key: c.policyType ? `policy-type-disabled/${c.policyType}` : 'policy-type-disabled',
      severity: 'HIGH',
      Title: c.policyType
        ? `The ${c.policyType} policy type is not enabled: no policy of that type applies`
        : 'The AI services opt-out policy type is not enabled: no account is opted out by policy',
      Description: c.detail,
      Resources: [organization],
      policyType: policyTypeOf(c),
    }));
  // One finding per unmanaged policy, wherever it is attached.
  const seen = new Set<string>();
  return [...typeDisabled, ...unmanaged, ...accounts].filter((p) => !seen.has(p.key) && seen.add(p.key));
}

/** The finding of one account's violations of one policy type (AI opt-out's: its words since the first release). */
function accountProblem(violations: Plan['violations'], scope: FindingScope): Problem {
  const first = violations[0] as Plan['violations'][number];
  const { accountId, accountName, path } = first;
  const policyType = policyTypeOf(first);
  const ai = policyType === AI_POLICY_TYPE;
  const listed = violations
    .map((v) => `${v.service} is ${v.actual}${ai ? '' : `, expected ${v.expected}`} (${v.causeDetail})`)
    .join('; ');
  return {
    key: ai ? `account/${accountId}` : `account/${accountId}/${policyType}`,
    severity: 'HIGH',
    Title: ai
      ? `Account ${accountName} (${accountId}) does not opt out of AI services as the desired state expects`
      : `Account ${accountName} (${accountId}) breaks the desired state's ${policyType} expectations`,
    Description: `${path}/${accountName}: ${ai ? `${plural(violations.length, 'service')} not opted out` : plural(violations.length, `${policyType} violation`)}: ${listed}. Fix the policies (ai-optout apply, or the pipeline in enforce mode) or the desired state.`,
    Resources: [
      {
        Type: 'AwsAccount',
        Id: `AWS::::Account:${accountId}`,
        Partition: scope.partition,
        Region: scope.region,
      },
    ],
    policyType,
  };
}

/** A finding the run no longer finds: resolved and archived, as of now. */
export function resolvedFinding(finding: Finding, now: Date): Finding {
  return {
    ...finding,
    UpdatedAt: now.toISOString(),
    Compliance: { Status: 'PASSED' },
    RecordState: 'ARCHIVED',
  };
}
