/**
 * The plan as AWS Config evaluations: one per account of the organization, resource type
 * `AWS::::Account`, NON_COMPLIANT when the account breaks `expect` (a violation of any policy type the
 * plan covers), else COMPLIANT. The annotation says AI opt-out's violations as it always has, and
 * another type's after its type's name (`<type>: us-east-1 is …`, the type's Organizations name).
 *
 * Facts [CONFIG-PUT-EVALUATIONS]: ComplianceResourceType
 * (1–256), ComplianceResourceId (1–768), ComplianceType, OrderingTimestamp required; Annotation 1–256
 * characters; at most 100 evaluations per call; Config does not accept INSUFFICIENT_DATA from
 * PutEvaluations. AWS's periodic sample rule reports `AWS::::Account` with the account id as the resource.
 */
import { pushTo } from './collections.ts';
import type { OrgSnapshot } from './model.ts';
import type { Plan } from './planner/schema.ts';
import { AI_POLICY_TYPE } from './policy-types/ai-optout/facts.ts';
import { policyTypeOf } from './type-counts.ts';

export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';
const MAX_ANNOTATION = 256;

export interface AccountEvaluation {
  ComplianceResourceType: typeof ACCOUNT_RESOURCE_TYPE;
  ComplianceResourceId: string;
  ComplianceType: 'COMPLIANT' | 'NON_COMPLIANT';
  OrderingTimestamp: Date;
  Annotation: string;
}

function cut(text: string): string {
  return text.length <= MAX_ANNOTATION ? text : `${text.slice(0, MAX_ANNOTATION - 1)}…`;
}

/** One evaluation per account of `snapshot`, in the snapshot's order. */
export function accountEvaluations(plan: Plan, snapshot: OrgSnapshot, orderedAt: Date): AccountEvaluation[] {
  const violations = new Map<string, Plan['violations']>();
  for (const v of plan.violations) pushTo(violations, v.accountId, v);
  const others = (snapshot.capturedPolicyTypes ?? []).filter((type) => type !== AI_POLICY_TYPE);
  return snapshot.accounts.map((account) => {
    const found = violations.get(account.id);
    return {
      ComplianceResourceType: ACCOUNT_RESOURCE_TYPE,
      ComplianceResourceId: account.id,
      ComplianceType: found ? 'NON_COMPLIANT' : 'COMPLIANT',
      OrderingTimestamp: orderedAt,
      Annotation: cut(found ? nonCompliant(found) : compliant(others)),
    };
  });
}

/** An account's violations: AI opt-out's first, in its words, then each other type's after its name. */
function nonCompliant(found: Plan['violations']): string {
  const byType = new Map<string, Plan['violations']>();
  for (const v of found) pushTo(byType, policyTypeOf(v), v);
  const types = [...byType];
  return [
    ...types.filter(([type]) => type === AI_POLICY_TYPE),
    ...types.filter(([type]) => type !== AI_POLICY_TYPE),
  ]
    .map(([type, rows]) =>
      type === AI_POLICY_TYPE
        ? `Not opted out: ${rows.map((v) => `${v.service} is ${v.actual} (${v.causeDetail})`).join('; ')}`
        : `${type}: ${rows.map((v) => `${v.service} is ${v.actual}, expected ${v.expected} (${v.causeDetail})`).join('; ')}`,
    )
    .join('. ');
}

/** A compliant account: what holds, naming the other policy types the organization was read for. */
function compliant(others: readonly string[]): string {
  const ai = 'Every AI service the desired state expects is opted out';
  return others.length === 0 ? ai : `${ai}, and every ${others.join(', ')} expectation holds`;
}
