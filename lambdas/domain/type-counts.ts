/**
 * A plan's figures per policy type, for the outputs that count (the pipeline job's output variables and
 * metrics): a row without `policyType` is AI services opt-out's, as in the report.
 */

import type { Plan } from './planner/schema.ts';
import { AI_POLICY_TYPE } from './policy-types/ai-optout/facts.ts';

export interface TypeCounts {
  /** The Organizations policy type. */
  policyType: string;
  changes: number;
  violations: number;
  effectiveChanges: number;
  /** Accounts with at least one violation of this type. */
  nonCompliantAccounts: number;
}

/** The Organizations type a report row is about. */
export const policyTypeOf = (row: { policyType?: string | undefined }): string =>
  row.policyType ?? AI_POLICY_TYPE;

/** The figures of each of `types`, in that order (a type the plan has no row of counts zero). */
export function countsByType(plan: Plan, types: readonly string[]): TypeCounts[] {
  return types.map((policyType) => {
    const of = <R extends { policyType?: string | undefined }>(rows: readonly R[]) =>
      rows.filter((row) => policyTypeOf(row) === policyType);
    const violations = of(plan.violations);
    return {
      policyType,
      changes: of(plan.changes).length,
      violations: violations.length,
      effectiveChanges: of(plan.effectiveChanges).length,
      nonCompliantAccounts: new Set(violations.map((v) => v.accountId)).size,
    };
  });
}
