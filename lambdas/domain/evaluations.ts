/**
 * The plan as AWS Config evaluations: one per account of the organization, resource type
 * `AWS::::Account`, NON_COMPLIANT when the account breaks `expect` (a violation), else COMPLIANT.
 *
 * Facts [CONFIG-PUT-EVALUATIONS]: ComplianceResourceType
 * (1–256), ComplianceResourceId (1–768), ComplianceType, OrderingTimestamp required; Annotation 1–256
 * characters; at most 100 evaluations per call; Config does not accept INSUFFICIENT_DATA from
 * PutEvaluations. AWS's periodic sample rule reports `AWS::::Account` with the account id as the resource.
 */
import { pushTo } from './collections.ts';
import type { OrgSnapshot } from './model.ts';
import type { Plan } from './planner/schema.ts';

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
  return snapshot.accounts.map((account) => {
    const found = violations.get(account.id);
    return {
      ComplianceResourceType: ACCOUNT_RESOURCE_TYPE,
      ComplianceResourceId: account.id,
      ComplianceType: found ? 'NON_COMPLIANT' : 'COMPLIANT',
      OrderingTimestamp: orderedAt,
      Annotation: cut(
        found
          ? `Not opted out: ${found.map((v) => `${v.service} is ${v.actual} (${v.causeDetail})`).join('; ')}`
          : 'Every AI service the desired state expects is opted out',
      ),
    };
  });
}
