/**
 * The plan's one-line summary and per-node figures (lambdas/domain/planner/summary.ts): the first line
 * of every report, and the numbers of the organization tree the HTML report draws.
 */
import { describe, expect, it } from 'vitest';
import type { AccountEffects } from '../../../../lambdas/domain/planner/effects.ts';
import type { Plan } from '../../../../lambdas/domain/planner/schema.ts';
import { summarize, verdictOf } from '../../../../lambdas/domain/planner/summary.ts';
import { examplePlan } from '../../../support/example-plan.ts';

// Inputs of summarize taken from the demo's plan; the plan's own figures are computed inside each test,
// where Stryker sees the code run (code that runs while the file loads counts as no test's).
const demo = examplePlan();
const [change] = demo.changes as [Plan['changes'][number]];
const [violation] = demo.violations as [Plan['violations'][number]];
const [effective] = demo.effectiveChanges as [Plan['effectiveChanges'][number]];

function effects(parts: Partial<AccountEffects>): AccountEffects {
  return { effectiveChanges: [], violations: [], nonCompliant: 0, nonCompliantByNode: new Map(), ...parts };
}

describe('the summary line', () => {
  it("the demo's plan: changes, accounts that would change, violations in accounts, non-compliant of all", () => {
    const example = examplePlan();
    expect(example.accounts).toEqual({ total: 18, compliant: 13, nonCompliant: 5 });
    expect(example.summary).toBe(
      'drift: 9 changes, 5 accounts would change effective settings, 5 violations in 5 accounts; 5 of 18 accounts non-compliant',
    );
  });

  it('counts accounts once; says nothing of effective settings when no account would change', () => {
    const twice = [violation, { ...violation, service: 'lex' }];
    expect(summarize('drift', [change], effects({ violations: twice, nonCompliant: 1 }), 1)).toBe(
      'drift: 1 change, 2 violations in 1 account; 1 of 1 accounts non-compliant',
    );
    expect(
      summarize(
        'drift',
        [],
        effects({ effectiveChanges: [effective, { ...effective, service: 'lex' }], nonCompliant: 0 }),
        3,
      ),
    ).toBe(
      'drift: 0 changes, 1 account would change effective settings, 0 violations in 0 accounts; 0 of 3 accounts non-compliant',
    );
  });

  it('in sync: the accounts that match', () => {
    expect(summarize('in-sync', [], effects({}), 18)).toBe(
      'in-sync: 18 accounts match the desired state and expect',
    );
    expect(summarize('in-sync', [], effects({}), 1)).toBe(
      'in-sync: 1 account matches the desired state and expect',
    );
  });

  it('in sync only without a change and without a violation', () => {
    expect(verdictOf([], effects({}))).toBe('in-sync');
    expect(verdictOf([change], effects({}))).toBe('drift');
    expect(verdictOf([], effects({ violations: [violation] }))).toBe('drift');
    // An effective change comes with a change that causes it; alone it decides nothing.
    expect(verdictOf([], effects({ effectiveChanges: [effective] }))).toBe('in-sync');
  });
});

describe('the figures of each root and OU', () => {
  it('the accounts directly in it (not in its OUs) and how many of those are non-compliant', () => {
    const example = examplePlan();
    expect(example.nodes.map((n) => [n.path, n.accounts, n.nonCompliant])).toEqual([
      ['Root', 1, 0],
      ['Root/Security', 2, 0],
      ['Root/Infrastructure', 2, 0],
      ['Root/Workloads', 0, 0],
      ['Root/Workloads/Prod', 4, 0],
      ['Root/Workloads/Dev', 4, 1],
      ['Root/Sandbox', 4, 4],
      ['Root/Suspended', 1, 0],
    ]);
    expect(example.nodes[0]).toEqual({
      id: 'r-7lz4',
      name: 'Root',
      path: 'Root',
      accounts: 1,
      nonCompliant: 0,
    });
    expect(example.nodes[4]?.parentId).toBe('ou-7lz4-wkl6e7f8');
  });
});
