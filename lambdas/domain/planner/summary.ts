/** The last steps: changes in apply order, per-node figures, the verdict and its one-line summary. */
import { compareText } from '../collections.ts';
import type { Verdict } from '../contract.ts';
import type { OrgTree } from '../organization.ts';
import { plural } from '../plural.ts';
import type { AccountEffects } from './effects.ts';
import { ACTION_ORDER, type Change, type NodeSummary } from './schema.ts';

/** Sorts in place: by action in apply order, then policy name, then target path. */
export function sortChanges(changes: Change[]): void {
  changes.sort(
    (a, b) =>
      ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
      compareText(a.policy ?? '', b.policy ?? '') ||
      compareText(a.target?.path ?? '', b.target?.path ?? ''),
  );
}

export function nodeSummaries(tree: OrgTree, nonCompliantByNode: ReadonlyMap<string, number>): NodeSummary[] {
  return [tree.root, ...tree.organizationalUnits].map((node) => ({
    id: node.id,
    name: node.name,
    path: node.path,
    parentId: node.parentId,
    accounts: node.children.filter((c) => c.type === 'ACCOUNT').length,
    nonCompliant: nonCompliantByNode.get(node.id) ?? 0,
  }));
}

export function verdictOf(changes: readonly Change[], effects: AccountEffects): Verdict {
  return changes.length === 0 && effects.violations.length === 0 ? 'in-sync' : 'drift';
}

export function summarize(
  verdict: Verdict,
  changes: readonly Change[],
  effects: AccountEffects,
  total: number,
): string {
  if (verdict === 'in-sync')
    return `in-sync: ${plural(total, 'account')} ${total === 1 ? 'matches' : 'match'} the desired state and expect`;
  const { effectiveChanges, violations, nonCompliant } = effects;
  const accountsChanging = new Set(effectiveChanges.map((c) => c.accountId)).size;
  const accountsViolating = new Set(violations.map((v) => v.accountId)).size;
  const parts = [plural(changes.length, 'change')];
  if (accountsChanging > 0)
    parts.push(`${plural(accountsChanging, 'account')} would change effective settings`);
  parts.push(`${plural(violations.length, 'violation')} in ${plural(accountsViolating, 'account')}`);
  return `drift: ${parts.join(', ')}; ${nonCompliant} of ${total} accounts non-compliant`;
}
