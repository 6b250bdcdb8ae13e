/** A plan's figures per policy type (lambdas/domain/type-counts.ts): a row without `policyType` is AI opt-out's. */
import { describe, expect, it } from 'vitest';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { countsByType, policyTypeOf } from '../../../lambdas/domain/type-counts.ts';
import { examplePlan } from '../../support/example-plan.ts';

describe('countsByType', () => {
  /** The example's plan with one change, one effective change and two violations (one account) of TYPE_B. */
  const twoTypes = () => {
    const plan = examplePlan();
    const [v] = plan.violations;
    const typed = <R extends object>(rows: R[], n: number) =>
      rows.map((row, i) => (i < n ? { ...row, policyType: 'TYPE_B' } : row));
    return {
      ...plan,
      changes: typed(plan.changes, 1),
      effectiveChanges: typed(plan.effectiveChanges, 1),
      violations: [...plan.violations, { ...v, service: 'other', policyType: 'TYPE_B' }].map((row, i) =>
        i === 0 ? { ...row, policyType: 'TYPE_B' } : row,
      ) as typeof plan.violations,
    };
  };

  // types asked -> counts of each, in that order
  it.each([
    [
      ['TYPE_B'],
      [{ policyType: 'TYPE_B', changes: 1, violations: 2, effectiveChanges: 1, nonCompliantAccounts: 1 }],
    ],
    [
      ['TYPE_C'],
      [{ policyType: 'TYPE_C', changes: 0, violations: 0, effectiveChanges: 0, nonCompliantAccounts: 0 }],
    ],
    [[], []],
  ])('%j', (types, expected) => {
    expect(countsByType(twoTypes(), types)).toEqual(expected);
  });

  it("AI opt-out's counts are the rows without a type, and the types' counts add up to the plan's", () => {
    const plan = twoTypes();

    const [ai, b] = countsByType(plan, [AI_POLICY_TYPE, 'TYPE_B']);

    expect(ai?.changes).toBe(plan.changes.filter((c) => !c.policyType).length);
    expect((ai?.violations ?? 0) + (b?.violations ?? 0)).toBe(plan.violations.length);
    expect((ai?.changes ?? 0) + (b?.changes ?? 0)).toBe(plan.changes.length);
    expect(ai?.nonCompliantAccounts).toBe(
      new Set(plan.violations.filter((v) => !v.policyType).map((v) => v.accountId)).size,
    );
    expect([policyTypeOf({}), policyTypeOf({ policyType: 'TYPE_B' })]).toEqual([AI_POLICY_TYPE, 'TYPE_B']);
  });
});
