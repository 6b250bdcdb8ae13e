/**
 * The lines that end a plan, the demo and an apply (next-steps.ts), on the demo's plan (drift of every
 * kind) and on plans derived from it: what apply would change, what would remain and why.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../../lambdas/domain/planner.ts';
import { nextSteps, remainingViolations } from '../../../../lambdas/domain/report/next-steps.ts';
import { examplePlan } from '../../../support/example-plan.ts';

describe('remainingViolations', () => {
  it('keeps the violations no effective change turns to optOut: the unmanaged policy on Root/Sandbox, not data-dev', () => {
    const plan = examplePlan();
    expect(plan.violations.length).toBe(5);

    const left = remainingViolations(plan);

    expect(left.map((v) => `${v.accountName}/${v.service}`).sort()).toEqual([
      'genai-prototypes/comprehend',
      'ml-experiments/comprehend',
      'sandbox-alice/comprehend',
      'sandbox-bob/comprehend',
    ]);
  });
});

describe('nextSteps', () => {
  it('the demo: what apply would change, what would remain and why, the audit mode, how to start, states, the runbook', () => {
    expect(nextSteps(examplePlan(), 'demo')).toEqual([
      '',
      'What next:',
      '  apply would make 6 changes (1 create-policy, 1 update-policy, 1 attach-policy, 2 detach-policy, 1 delete-policy), changing the effective settings of 5 accounts.',
      '  4 violations in 4 accounts would remain after apply: apply does not change what causes them. By cause:',
      '    sandbox-comprehend-optin on Root/Sandbox: 4 accounts (comprehend)',
      '    An unmanaged policy is left as it is (`unmanaged: report`): detach it yourself, or declare it in the desired state (docs/configuration.md).',
      '  The file says `mode: audit`: nothing is written, by the pipeline or by `ai-optout apply`. Set `mode: enforce` to let them apply.',
      '  For your own organization: write ai-optout.yaml (docs/configuration.md), run `ai-optout plan` with credentials of the management account, then `ai-optout apply` (it asks before writing).',
      '  When a run fails or drift returns: docs/runbook.md.',
    ]);
  });

  it('a plan explains the states of its confirmation and names apply with the same --config', () => {
    const plan: Plan = {
      ...examplePlan(),
      mode: 'enforce',
      fidelity: { ...(examplePlan().fidelity ?? ({} as NonNullable<Plan['fidelity']>)), states: 6 },
    };

    const lines = nextSteps(plan, 'plan');

    expect(lines).toContain(
      '  To make the changes: `ai-optout apply` with the same --config (it asks before writing).',
    );
    expect(lines).toContain(
      '  A "state" (6 states here) is one distinct effective policy: accounts with the same one share it, and AWS is asked once per state (--verify states).',
    );
    expect(lines.join('\n')).not.toContain('mode: audit');
  });

  it('a plan in audit mode says apply needs mode enforce first', () => {
    const plan: Plan = { ...examplePlan(), mode: 'audit' };

    expect(nextSteps(plan, 'plan')).toContain(
      '  To make the changes: `ai-optout apply` with the same --config once the file says `mode: enforce` (or pass --mode enforce) (it asks before writing).',
    );
  });

  it('nothing to change and nothing left: says so', () => {
    const plan: Plan = { ...examplePlan(), changes: [], effectiveChanges: [], violations: [] };

    expect(nextSteps(plan, 'plan').slice(2, 4)).toEqual([
      '  apply would change nothing.',
      '  No violation of expect would remain after apply.',
    ]);
  });

  it('after apply: what remains now, by cause', () => {
    const plan: Plan = { ...examplePlan(), effectiveChanges: [] };

    const lines = nextSteps(plan, 'apply');

    expect(lines[2]).toBe(
      '  5 violations in 5 accounts remain: apply does not change what causes them. By cause:',
    );
    expect(lines).toContain('    dev-experiments on data-dev (347960518243): 1 account (default)');
  });
});

describe('nextSteps with rows of another policy type', () => {
  it('counts their changes in what apply would do, says whether AWS was asked and that apply and the pipeline job in enforce mode write them, and keeps their violations apart', () => {
    const plan = examplePlan();
    const base = nextSteps(plan, 'plan');
    const typed: Plan = {
      ...plan,
      changes: [
        ...plan.changes,
        { action: 'create-policy', policy: 'guardrails', detail: 'create guardrails', policyType: 'TYPE_B' },
      ],
      violations: [
        ...plan.violations,
        { ...(plan.violations[0] as Plan['violations'][number]), service: 'us-east-1', policyType: 'TYPE_B' },
      ],
      effectiveChanges: [
        ...plan.effectiveChanges,
        {
          accountId: '999999999999',
          accountName: 'x',
          path: 'Root',
          service: 'us-east-1.config_1.identifier',
          from: 'unset',
          to: 'arn',
          policyType: 'TYPE_B',
        },
      ],
    };

    const lines = nextSteps(typed, 'plan');

    const [, total = '', accounts = ''] =
      /apply would make (\d+) changes? .*of (\d+) accounts?\./.exec(base[2] ?? '') ?? [];
    expect(lines[2]).toMatch(
      new RegExp(
        `^  apply would make ${Number(total) + 1} changes \\(.*\\), changing the effective settings of ${Number(accounts) + 1} accounts\\.$`,
      ),
    );
    expect(lines).toContain(
      '  TYPE_B: 1 change and 1 violation in 1 account, computed here only (AWS was not asked: a snapshot, or --verify none); `ai-optout apply` and the pipeline job in enforce mode write them only when every guardrail passes pre-flight.',
    );
    expect(base.some((line) => line.startsWith('  To make the changes: '))).toBe(true);
    expect(lines.some((line) => line.startsWith('  To make the changes: '))).toBe(true);
    expect(base.some((line) => line.startsWith('  TYPE_B'))).toBe(false);
    expect(remainingViolations(typed)).toEqual(remainingViolations(plan));
  });
});
