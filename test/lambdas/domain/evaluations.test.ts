/**
 * The plan as AWS Config evaluations (lambdas/domain/evaluations.ts): one per account, `AWS::::Account`
 * with the account id, NON_COMPLIANT for an account that breaks `expect`, an annotation of at most 256
 * characters [CONFIG-PUT-EVALUATIONS]. The config-rule function's tests send them; these check them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountEvaluations } from '../../../lambdas/domain/evaluations.ts';
import type { Plan } from '../../../lambdas/domain/planner/schema.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { parseSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { examplePlan } from '../../support/example-plan.ts';

// The example organization as the Config rule reads it for config/ai-optout.yaml, a file without a
// bedrock: section: AI opt-out's policies only (readFor captures Bedrock's only for a file that has one).
const example = parseSnapshot(
  readFileSync(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url), 'utf8'),
  'example',
);
const snapshot = {
  ...example,
  policies: example.policies.filter((p) => (p.type ?? AI_POLICY_TYPE) === AI_POLICY_TYPE),
  capturedPolicyTypes: [AI_POLICY_TYPE],
};
const orderedAt = new Date('2026-12-07T10:00:00.000Z');

describe('accountEvaluations', () => {
  it('one per account in the snapshot order; the accounts with violations are NON_COMPLIANT and say why', () => {
    const plan = examplePlan();
    const evaluations = accountEvaluations(plan, snapshot, orderedAt);

    expect(evaluations.map((e) => e.ComplianceResourceId)).toEqual(snapshot.accounts.map((a) => a.id));
    expect(new Set(evaluations.map((e) => e.ComplianceResourceType))).toEqual(new Set(['AWS::::Account']));
    expect(new Set(evaluations.map((e) => e.OrderingTimestamp))).toEqual(new Set([orderedAt]));
    const nonCompliant = evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT');
    expect(nonCompliant.map((e) => e.ComplianceResourceId).sort()).toEqual(
      [...new Set(plan.violations.map((v) => v.accountId))].sort(),
    );
    expect(evaluations.find((e) => e.ComplianceResourceId === '347960518243')?.Annotation).toBe(
      'Not opted out: default is optIn (dev-experiments on data-dev (347960518243))',
    );
    const compliant = evaluations.find((e) => e.ComplianceType === 'COMPLIANT');
    expect(compliant?.Annotation).toBe('Every AI service the desired state expects is opted out');
  });

  it("names every violation of an account, and cuts the annotation to Config's 256 characters", () => {
    const plan = examplePlan();
    const [first] = plan.violations as [Plan['violations'][number]];
    const prefix = `Not opted out: ${first.service} is ${first.actual} (`;
    // One violation whose annotation is exactly 256 characters, then a second that makes it longer.
    const exact = { ...first, causeDetail: 'x'.repeat(256 - prefix.length - 1) };
    const second = { ...first, service: 'rekognition', causeDetail: 'y' };

    const [kept] = accountEvaluations({ ...plan, violations: [exact] }, snapshot, orderedAt).filter(
      (e) => e.ComplianceResourceId === first.accountId,
    );
    expect(kept?.Annotation).toBe(`${prefix}${exact.causeDetail})`);
    expect(kept?.Annotation).toHaveLength(256);

    const [cut] = accountEvaluations({ ...plan, violations: [exact, second] }, snapshot, orderedAt).filter(
      (e) => e.ComplianceResourceId === first.accountId,
    );
    expect(cut?.Annotation).toBe(`${`${prefix}${exact.causeDetail})`.slice(0, 255)}…`);
    expect(cut?.Annotation).toHaveLength(256);

    const [both] = accountEvaluations(
      { ...plan, violations: [{ ...first, causeDetail: 'a' }, second] },
      snapshot,
      orderedAt,
    ).filter((e) => e.ComplianceResourceId === first.accountId);
    expect(both?.Annotation).toBe(
      `Not opted out: ${first.service} is ${first.actual} (a); rekognition is ${first.actual} (y)`,
    );
  });

  // An account's violations by type -> its annotation; a compliant account's names the other types read.
  it.each([
    ['AI opt-out alone', [undefined], 'Not opted out: default is optIn (c0)'],
    ['another type alone', ['TYPE_B'], 'TYPE_B: default is optIn, expected optOut (c0)'],
    [
      'both, the other type first in the plan: AI opt-out is said first',
      ['TYPE_B', undefined, 'TYPE_B'],
      'Not opted out: default is optIn (c1). TYPE_B: default is optIn, expected optOut (c0); default is optIn, expected optOut (c2)',
    ],
  ] as const)('%s', (_name, types, annotation) => {
    const plan = examplePlan();
    const [first] = plan.violations as [Plan['violations'][number]];
    const violations = types.map((policyType, i) => ({
      ...first,
      service: 'default',
      actual: 'optIn',
      expected: 'optOut',
      causeDetail: `c${i}`,
      ...(policyType ? { policyType } : {}),
    }));

    const evaluations = accountEvaluations({ ...plan, violations }, snapshot, orderedAt);

    expect(evaluations.find((e) => e.ComplianceResourceId === first.accountId)).toMatchObject({
      ComplianceType: 'NON_COMPLIANT',
      Annotation: annotation,
    });
  });

  it('a compliant account of a snapshot that does not list the types it captured (an older snapshot) names AI opt-out alone', () => {
    const { capturedPolicyTypes: _captured, ...older } = snapshot;

    const [compliant] = accountEvaluations({ ...examplePlan(), violations: [] }, older, orderedAt);

    expect(compliant?.Annotation).toBe('Every AI service the desired state expects is opted out');
  });

  it.each([
    [['TYPE_B'], 'and every TYPE_B expectation holds'],
    [['TYPE_B', 'TYPE_C'], 'and every TYPE_B, TYPE_C expectation holds'],
  ])('a compliant account of an organization read for %j too says that each holds', (types, holds) => {
    const read = { ...snapshot, capturedPolicyTypes: ['AISERVICES_OPT_OUT_POLICY', ...types] };

    const [compliant] = accountEvaluations({ ...examplePlan(), violations: [] }, read, orderedAt);

    expect(compliant?.Annotation).toBe(`Every AI service the desired state expects is opted out, ${holds}`);
  });
});
