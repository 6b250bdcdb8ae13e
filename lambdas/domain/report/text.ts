/** The terminal report: Terraform-like `+ ~ -` lines, per-account effects and a per-OU summary. */
import { compareText } from '../collections.ts';
import type { Plan } from '../planner/schema.ts';
import { plural } from '../plural.ts';
import {
  ACTION_SYMBOL,
  byAccount,
  changeSubject,
  changeWhere,
  DEFAULT_ROW_LIMIT,
  describeEffectiveChange,
  describeViolation,
} from './common.ts';

export interface TextOptions {
  color?: boolean;
  /** Accounts listed per section before "… and N more". */
  limit?: number;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;

export function renderText(plan: Plan, options: TextOptions = {}): string {
  const paint = (style: keyof typeof CODES, text: string) =>
    options.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  const limit = options.limit ?? DEFAULT_ROW_LIMIT;
  const out: string[] = [];
  const symbolColor = { '+': 'green', '~': 'yellow', '-': 'red', '!': 'red' } as const;

  out.push(
    paint(
      'bold',
      `AI services opt-out plan for ${plan.organization.id} (root ${plan.organization.rootId}), mode ${plan.mode}`,
    ),
  );
  out.push('');

  if (plan.changes.length === 0) out.push('Policy changes: none');
  else {
    out.push(`Policy changes (${plan.changes.length}):`);
    const width = Math.max(...plan.changes.map((c) => c.action.length));
    for (const change of plan.changes) {
      const symbol = ACTION_SYMBOL[change.action];
      const where = changeWhere(change);
      const subject = `${changeSubject(change)}${where ? ` → ${where}` : ''}`;
      out.push(
        `  ${paint(symbolColor[symbol as keyof typeof symbolColor], symbol)} ${change.action.padEnd(width)}  ${subject}`,
      );
      out.push(paint('dim', `      ${change.detail}`));
    }
  }
  out.push('');

  const sections = [
    {
      title: 'Effective changes',
      groups: byAccount(plan.effectiveChanges),
      describe: describeEffectiveChange,
      empty: 'Effective changes: none',
    },
    {
      title: 'Violations of expect',
      groups: byAccount(plan.violations),
      describe: describeViolation,
      empty: 'Violations of expect: none',
    },
  ] as const;
  for (const section of sections) {
    if (section.groups.length === 0) out.push(section.empty);
    else {
      out.push(`${section.title} (${plural(section.groups.length, 'account')}):`);
      let lastPath = '';
      for (const group of section.groups.slice(0, limit)) {
        if (group.path !== lastPath) {
          out.push(`  ${paint('cyan', group.path)}`);
          lastPath = group.path;
        }
        out.push(`    ${group.accountName} (${group.accountId})`);
        for (const row of group.rows) {
          out.push(`      ${(section.describe as (r: typeof row) => string)(row)}`);
        }
      }
      if (section.groups.length > limit) {
        out.push(`  … and ${section.groups.length - limit} more accounts (--format json lists all)`);
      }
    }
    out.push('');
  }

  out.push('Accounts by OU:');
  const width = Math.max(...plan.nodes.map((n) => n.path.length));
  for (const node of [...plan.nodes].sort((a, b) => compareText(a.path, b.path))) {
    if (node.accounts === 0) continue;
    const status =
      node.nonCompliant === 0
        ? paint('green', 'all compliant')
        : paint('red', `${node.nonCompliant} non-compliant`);
    out.push(`  ${node.path.padEnd(width)}  ${plural(node.accounts, 'account').padStart(12)}  ${status}`);
  }
  out.push('');

  if (plan.warnings.length > 0) {
    out.push(`Warnings (${plan.warnings.length}):`);
    for (const warning of plan.warnings) out.push(`  ${paint('yellow', '!')} ${warning.message}`);
    out.push('');
  }

  out.push(paint(plan.verdict === 'in-sync' ? 'green' : 'red', plan.summary));
  return `${out.join('\n')}\n`;
}
