/** Helpers shared by the text and markdown reports. */
import { compareText } from '../collections.ts';
import { AI_POLICY_TYPE } from '../contract.ts';
import type { Change, ChangeAction, EffectiveChange, Violation } from '../planner/schema.ts';

export const ACTION_SYMBOL: Record<ChangeAction, string> = {
  'enable-policy-type': '+',
  'create-policy': '+',
  'adopt-policy': '~',
  'update-policy': '~',
  'attach-policy': '+',
  'detach-policy': '-',
  'delete-policy': '-',
  'unmanaged-policy': '!',
};

export interface AccountRows<T> {
  accountId: string;
  accountName: string;
  path: string;
  rows: T[];
}

/** Rows grouped per account, accounts sorted by path then name. */
export function byAccount<T extends EffectiveChange | Violation>(rows: readonly T[]): AccountRows<T>[] {
  const groups = new Map<string, AccountRows<T>>();
  for (const row of rows) {
    let group = groups.get(row.accountId);
    if (!group) {
      group = { accountId: row.accountId, accountName: row.accountName, path: row.path, rows: [] };
      groups.set(row.accountId, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()].sort(
    (a, b) => compareText(a.path, b.path) || compareText(a.accountName, b.accountName),
  );
}

export function describeEffectiveChange(change: EffectiveChange): string {
  return `${change.service} ${change.from} → ${change.to}`;
}

export function describeViolation(violation: Violation): string {
  return `${violation.service} is ${violation.actual} (expected ${violation.expected}; ${violation.causeDetail})`;
}

export function changeSubject(change: Change): string {
  if (change.action === 'enable-policy-type') return AI_POLICY_TYPE;
  return change.policy ?? '';
}

export function changeWhere(change: Change): string {
  return change.target ? change.target.path : '';
}

/** Rows shown per section before "… and N more"; the JSON report always has everything. */
export const DEFAULT_ROW_LIMIT = 100;
