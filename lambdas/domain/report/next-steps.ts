/**
 * What an operator should do after reading a plan, in a few lines the text output ends with: what
 * `apply` would change, which violations would remain after it and why (their cause is something apply
 * leaves: an unmanaged policy, a setting AWS reports invalid, a service nothing in the desired state
 * sets), where the runbook is, and what the "states" of the AWS confirmation are.
 */

import { ACTION_ORDER, type Plan } from '../planner/schema.ts';
import { plural } from '../plural.ts';

/** Who reads the lines: a plan (live or snapshot), the demo, or the end of an apply. */
export type NextStepsFor = 'plan' | 'demo' | 'apply';

/**
 * Rows of a policy type besides AI opt-out (every row that names a type: AI opt-out's name none). Apply
 * writes their changes (after the guardrail pre-flight), but what would remain of their violations is
 * not worked out here: they are said apart.
 */
const typed = (row: { policyType?: string | undefined }) => row.policyType !== undefined;

/** Changes apply makes (an unmanaged policy is reported, never changed), counted by action in plan order. */
function changeCounts(plan: Plan): { total: number; text: string } {
  const made = plan.changes.filter((c) => c.action !== 'unmanaged-policy');
  const counts = ACTION_ORDER.map(
    (action) => [action, made.filter((c) => c.action === action).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([action, n]) => `${n} ${action}`);
  return { total: made.length, text: counts.join(', ') };
}

/**
 * The violations apply would not fix: those with no effective change to `optOut` for the same account
 * and service (the planner's effective changes are what apply does to every account's setting).
 */
export function remainingViolations(plan: Plan): Plan['violations'] {
  const fixed = new Set(
    plan.effectiveChanges.filter((c) => c.to === 'optOut').map((c) => `${c.accountId}/${c.service}`),
  );
  return plan.violations.filter((v) => !typed(v) && !fixed.has(`${v.accountId}/${v.service}`));
}

/** What the plan shows of the other policy types: whether AWS was asked about them, and who writes them. */
function typedLines(plan: Plan): string[] {
  const types = [
    ...new Set([...plan.changes, ...plan.violations].filter(typed).map((row) => row.policyType)),
  ];
  if (types.length === 0) return [];
  const changes = plan.changes.filter(typed).length;
  const violations = plan.violations.filter(typed);
  const accounts = new Set(violations.map((v) => v.accountId)).size;
  const asked =
    plan.fidelity?.source === 'aws'
      ? 'computed here and checked with AWS (Confirmed by AWS, above)'
      : 'computed here only (AWS was not asked: a snapshot, or --verify none)';
  return [
    `  ${types.join(', ')}: ${plural(changes, 'change')} and ${plural(violations.length, 'violation')} in ${plural(accounts, 'account')}, ${asked}; \`ai-optout apply\` and the pipeline job in enforce mode write them only when every guardrail passes pre-flight.`,
  ];
}

/** "sandbox-optin on Root/Sandbox: 4 accounts (comprehend)", one line per cause. */
function causes(violations: Plan['violations']): string[] {
  const byCause = new Map<string, { accounts: Set<string>; services: Set<string> }>();
  for (const v of violations) {
    const entry = byCause.get(v.causeDetail) ?? { accounts: new Set(), services: new Set() };
    entry.accounts.add(v.accountId);
    entry.services.add(v.service);
    byCause.set(v.causeDetail, entry);
  }
  return [...byCause].map(
    ([cause, { accounts, services }]) =>
      `    ${cause}: ${plural(accounts.size, 'account')} (${[...services].join(', ')})`,
  );
}

function remainingLines(plan: Plan, when: string): string[] {
  const left = remainingViolations(plan);
  if (left.length === 0) return [`  No violation of expect ${when}.`];
  const accounts = new Set(left.map((v) => v.accountId)).size;
  const unmanaged = plan.changes.some(
    (c) => c.action === 'unmanaged-policy' && left.some((v) => v.causeDetail.startsWith(`${c.policy} `)),
  );
  return [
    `  ${plural(left.length, 'violation')} in ${plural(accounts, 'account')} ${when}: apply does not change what causes them. By cause:`,
    ...causes(left),
    ...(unmanaged
      ? [
          '    An unmanaged policy is left as it is (`unmanaged: report`): detach it yourself, or declare it in the desired state (docs/configuration.md).',
        ]
      : []),
  ];
}

/** The "states" of the confirmation line, explained once. */
function statesLine(plan: Plan): string[] {
  if (!plan.fidelity) return [];
  return [
    `  A "state" (${plural(plan.fidelity.states, 'state')} here) is one distinct effective policy: accounts with the same one share it, and AWS is asked once per state (--verify states).`,
  ];
}

/** The lines that end the text output of a plan, the demo or an apply. */
export function nextSteps(plan: Plan, reader: NextStepsFor): string[] {
  const { total, text } = changeCounts(plan);
  const lines = ['', 'What next:'];
  if (reader === 'apply') {
    lines.push(...remainingLines(plan, 'remain'));
  } else if (total === 0) {
    lines.push('  apply would change nothing.', ...remainingLines(plan, 'would remain after apply'));
  } else {
    const accounts = new Set(plan.effectiveChanges.map((c) => c.accountId)).size;
    lines.push(
      `  apply would make ${plural(total, 'change')} (${text}), changing the effective settings of ${plural(accounts, 'account')}.`,
      ...remainingLines(plan, 'would remain after apply'),
    );
    if (plan.mode === 'audit')
      lines.push(
        '  The file says `mode: audit`: nothing is written, by the pipeline or by `ai-optout apply`. Set `mode: enforce` to let them apply.',
      );
    lines.push(
      reader === 'demo'
        ? '  For your own organization: write ai-optout.yaml (docs/configuration.md), run `ai-optout plan` with credentials of the management account, then `ai-optout apply` (it asks before writing).'
        : `  To make the changes: \`ai-optout apply\` with the same --config${plan.mode === 'audit' ? ' once the file says `mode: enforce` (or pass --mode enforce)' : ''} (it asks before writing).`,
    );
  }
  lines.push(
    ...typedLines(plan),
    ...statesLine(plan),
    '  When a run fails or drift returns: docs/runbook.md.',
  );
  return lines;
}
