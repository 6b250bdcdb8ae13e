/**
 * What a pull request itself changes (`plan --base-config`, docs/pull-requests.md): two plans of the same
 * organization, one for the desired state at the pull request's base and one for its head, compared.
 *
 * Each plan lists every account service whose resolved setting its apply would change (from: today,
 * to: after). So after the base's apply a setting is the base's `to` where the base lists it, else
 * today's value; today's value is the `from` of whichever plan lists it. A setting neither plan lists
 * is today's value in both and the pull request does not change it; that is how drift that was already
 * there (both plans fix it the same way, or neither touches it) stays out.
 *
 * The verdict: `fail` when the pull request adds violations, of its own `expect` or of its base's (the
 * head is planned with the base's `expect` too, so removing a guardrail does not pass it); `review` when
 * it changes a guardrail or opens a service to an account (guardrail-changes.ts): the check never
 * approves those, a person does; `pass` otherwise.
 */
import { compareText } from './collections.ts';
import type { DesiredState } from './desired-state/types.ts';
import { guardrailChanges, opensService } from './guardrail-changes.ts';
import type {
  Change,
  EffectiveChange,
  Plan,
  PullRequestPart,
  PullRequestVerdict,
  Violation,
} from './planner/schema.ts';
import { plural } from './plural.ts';
import type { ResolvedSetting } from './policy-types/version-1.ts';

function changeKey(change: Change): string {
  const { action, policy, target, content, description } = change;
  return JSON.stringify([action, policy ?? '', target?.id ?? '', content ?? '', description ?? '']);
}

const settingKey = (row: { accountId: string; service: string }) => `${row.accountId}\u0000${row.service}`;

/** The effective changes from the base's result to the head's. */
function effectiveDifference(base: Plan, head: Plan): EffectiveChange[] {
  const baseRows = new Map(base.effectiveChanges.map((row) => [settingKey(row), row]));
  const headRows = new Map(head.effectiveChanges.map((row) => [settingKey(row), row]));
  const out: EffectiveChange[] = [];
  for (const key of new Set([...baseRows.keys(), ...headRows.keys()])) {
    const b = baseRows.get(key);
    const h = headRows.get(key);
    const row = (h ?? b) as EffectiveChange;
    const from = b ? b.to : row.from;
    const to = h ? h.to : row.from;
    if (from !== to) out.push({ ...row, from, to });
  }
  return out.sort(
    (x, y) =>
      compareText(x.path, y.path) ||
      compareText(x.accountName, y.accountName) ||
      compareText(x.service, y.service),
  );
}

/** `opts 4 accounts in to lex`, one phrase per service and new setting. */
function effectPhrases(changes: readonly EffectiveChange[]): string[] {
  const groups = new Map<string, Set<string>>();
  for (const change of changes) {
    const key = `${change.to}\u0000${change.service}`;
    groups.set(key, (groups.get(key) ?? new Set()).add(change.accountId));
  }
  return [...groups.entries()].map(([key, accounts]) => {
    const [to, service] = key.split('\u0000') as [ResolvedSetting, string];
    const who = plural(accounts.size, 'account');
    if (service === 'default') {
      return to === 'unset' ? `leaves ${who} with no default` : `sets the default of ${who} to ${to}`;
    }
    if (to === 'optIn') return `opts ${who} in to ${service}`;
    if (to === 'optOut') return `opts ${who} out of ${service}`;
    return `leaves ${service} unset for ${who}`;
  });
}

function summaryOf(part: Pick<PullRequestPart, 'changes' | 'effectiveChanges' | 'violations'>): string {
  const phrases = effectPhrases(part.effectiveChanges);
  if (phrases.length === 0) phrases.push('changes no account’s effective settings');
  const extras = [plural(part.changes.length, 'policy change')];
  if (part.violations.length > 0) extras.push(`${plural(part.violations.length, 'new violation')} of expect`);
  return `this pull request ${phrases.join(', ')} (${extras.join(', ')})`;
}

/**
 * The violations the pull request adds: the head's that the base does not have (the head is planned
 * against both files' `expect`), then the breaches of the base's `expect` that the head's own policies
 * would make once applied.
 */
function addedViolations(base: Plan, head: Plan): Violation[] {
  const before = new Set(base.violations.map(settingKey));
  const added = head.violations.filter((violation) => !before.has(settingKey(violation)));
  const listed = new Set(added.map(settingKey));
  const declared = (head.baseExpectViolations ?? []).filter((v) => !listed.has(settingKey(v)));
  return [...added, ...declared];
}

/** Why a person must review the pull request (empty: the check may approve it). */
function reviewReasons(
  effectiveChanges: readonly EffectiveChange[],
  desired: { base: DesiredState; head: DesiredState } | undefined,
): string[] {
  const configuration = desired
    ? guardrailChanges(desired.base, desired.head)
    : [
        'the desired states were not given, so changes to expect, lock, unmanaged and mode cannot be ruled out',
      ];
  return [...configuration, ...effectPhrases(effectiveChanges.filter(opensService))];
}

function verdictOf(violations: readonly Violation[], reasons: readonly string[]): PullRequestVerdict {
  if (violations.length > 0) return 'fail';
  return reasons.length > 0 ? 'review' : 'pass';
}

/**
 * The pull request's own part of `head`, measured against `base` (both planned on one snapshot, the head
 * with the base's `expect`: PlanOptions.baseExpect), with its verdict. `desired` (the two files) lets the
 * verdict see changes to `expect`, `lock`, `unmanaged` and `mode`; without it the verdict is at best `review`.
 */
export function pullRequestPart(
  base: Plan,
  head: Plan,
  baseConfig: string,
  desired?: { base: DesiredState; head: DesiredState },
): PullRequestPart {
  const baseChanges = new Set(base.changes.map(changeKey));
  const part = {
    changes: head.changes.filter((change) => !baseChanges.has(changeKey(change))),
    effectiveChanges: effectiveDifference(base, head),
    violations: addedViolations(base, head),
  };
  const humanReview = reviewReasons(part.effectiveChanges, desired);
  return {
    summary: summaryOf(part),
    baseConfig,
    verdict: verdictOf(part.violations, humanReview),
    humanReview,
    ...part,
  };
}
