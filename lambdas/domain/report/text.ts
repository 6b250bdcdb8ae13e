/** The terminal report: Terraform-like `+ ~ -` lines, per-account effects and a per-OU summary. */
import { compareText } from '../collections.ts';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.ts';
import type { Change, NodeSummary, Plan, PlanWarning } from '../planner/schema.ts';
import { plural } from '../plural.ts';
import {
  type AccountSection,
  accountSections,
  changeColumns,
  DEFAULT_ROW_LIMIT,
  type FidelitySection,
  fidelitySection,
  type PreflightSection,
  planSubject,
  preflightSection,
  pullRequestSections,
  pullRequestVerdict,
  snapshotLine,
} from './common.ts';
import { escapeText } from './escape.ts';
import { type CheckInput, type CheckOutput, defineFormat } from './format.ts';

export interface TextOptions {
  color?: boolean;
  /** Accounts listed per section before "… and N more". */
  limit?: number;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, bold: 1, dim: 2 } as const;
const SYMBOL_COLOR = { '+': 'green', '~': 'yellow', '-': 'red', '!': 'red' } as const;

/** Wraps text in an ANSI style, or returns it as it is when color is off. */
type Paint = (style: keyof typeof CODES, text: string) => string;

/**
 * Every line that holds a name from the organization, the desired state or a file goes through `t`
 * (escape.ts) before it is painted, so a control or escape character in a name shows as an escape and
 * never reaches the terminal; only `paint` adds escape sequences.
 */
export function renderText(plan: Plan, options: TextOptions = {}): string {
  const paint: Paint = (style, text) => (options.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
  const limit = options.limit ?? DEFAULT_ROW_LIMIT;
  const { organization } = plan;
  const snapshot = snapshotLine(plan);
  const out = [
    ...pullRequestLines(plan, limit, paint),
    paint(
      'bold',
      escapeText(
        `${planSubject(plan)} plan for ${organization.id} (root ${organization.rootId}), mode ${plan.mode}`,
      ),
    ),
    ...(snapshot ? [escapeText(snapshot)] : []),
    '',
    ...changeLines(plan.changes, paint),
    '',
    ...accountSections(plan).flatMap((section) => [...sectionLines(section, limit, paint), '']),
    ...nodeLines(plan.nodes, paint),
    '',
    ...(plan.fidelity ? fidelityLines(fidelitySection(plan.fidelity), paint) : []),
    ...(plan.preflight ? preflightLines(preflightSection(plan.preflight), paint) : []),
    ...warningLines(plan.warnings, paint),
    paint(plan.verdict === 'in-sync' ? 'green' : 'red', escapeText(plan.summary)),
  ];
  return `${out.join('\n')}\n`;
}

/** First, when there is a base to compare with: what the pull request itself changes. */
function pullRequestLines(plan: Plan, limit: number, paint: Paint): string[] {
  const part = plan.pullRequest;
  if (!part) return [];
  const { headline, reasons } = pullRequestVerdict(part);
  return [
    paint('bold', escapeText(`Pull request (against ${part.baseConfig}): ${part.summary}`)),
    paint(part.verdict === 'pass' ? 'green' : part.verdict === 'review' ? 'yellow' : 'red', headline),
    ...reasons.map((reason) => `  - ${escapeText(reason)}`),
    '',
    ...changeLines(part.changes, paint, 'Policy changes this pull request makes'),
    '',
    ...pullRequestSections(part).flatMap((section) => [...sectionLines(section, limit, paint), '']),
  ];
}

function changeLines(changes: readonly Change[], paint: Paint, title = 'Policy changes'): string[] {
  if (changes.length === 0) return [`${title}: none`];
  const width = Math.max(...changes.map((c) => c.action.length));
  return [
    `${title} (${changes.length}):`,
    ...changes.flatMap((change) => {
      const { symbol, subject, where } = changeColumns(change);
      const color = SYMBOL_COLOR[symbol as keyof typeof SYMBOL_COLOR];
      return [
        `  ${paint(color, symbol)} ${change.action.padEnd(width)}  ${escapeText(subject)}${where ? ` → ${escapeText(where)}` : ''}`,
        paint('dim', `      ${escapeText(change.detail)}`),
      ];
    }),
  ];
}

/** Accounts grouped under their path, then each account's rows; cut after `limit` accounts. */
function sectionLines(section: AccountSection, limit: number, paint: Paint): string[] {
  const { title, groups } = section;
  if (groups.length === 0) return [`${title}: none`];
  const out = [`${title} (${plural(groups.length, 'account')}):`];
  let lastPath = '';
  for (const group of groups.slice(0, limit)) {
    if (group.path !== lastPath) out.push(`  ${paint('cyan', escapeText(group.path))}`);
    lastPath = group.path;
    out.push(`    ${escapeText(group.accountName)} (${group.accountId})`);
    for (const row of group.rows) out.push(`      ${escapeText(row)}`);
  }
  if (groups.length > limit)
    out.push(`  … and ${groups.length - limit} more accounts (--format json lists all)`);
  return out;
}

function nodeLines(nodes: readonly NodeSummary[], paint: Paint): string[] {
  const width = Math.max(...nodes.map((n) => escapeText(n.path).length));
  const rows = [...nodes]
    .sort((a, b) => compareText(a.path, b.path))
    .filter((node) => node.accounts > 0)
    .map((node) => {
      const status =
        node.nonCompliant === 0
          ? paint('green', 'all compliant')
          : paint('red', `${node.nonCompliant} non-compliant`);
      return `  ${escapeText(node.path).padEnd(width)}  ${plural(node.accounts, 'account').padStart(12)}  ${status}`;
    });
  return ['Accounts by OU:', ...rows];
}

function warningLines(warnings: readonly PlanWarning[], paint: Paint): string[] {
  if (warnings.length === 0) return [];
  return [
    `Warnings (${warnings.length}):`,
    ...warnings.map((w) => `  ${paint('yellow', '!')} ${escapeText(w.message)}`),
    '',
  ];
}

function fidelityLines(section: FidelitySection, paint: Paint): string[] {
  const out = [escapeText(`${section.title}: ${section.summary}`)];
  for (const d of section.disagreements) {
    out.push(`  ${paint('red', '!')} ${escapeText(d.heading)}`);
    for (const line of d.differences) out.push(`      ${escapeText(line)}`);
    out.push(
      paint('dim', `      computed: ${escapeText(d.local)}`),
      paint('dim', `      AWS:      ${escapeText(d.aws)}`),
    );
  }
  if (section.settled.length > 0) {
    out.push(
      '  Same-node conflicts settled by AWS:',
      ...section.settled.map((line) => `    ${escapeText(line)}`),
    );
  }
  if (section.left) out.push(`  ${escapeText(section.left)}`);
  return [...out, ''];
}

function preflightLines(section: PreflightSection, paint: Paint): string[] {
  const marks = { ok: paint('green', '✓'), failed: paint('red', '!'), 'not-run': paint('dim', '?') };
  const out = [escapeText(`${section.title}: ${section.summary}`)];
  for (const g of section.guardrails) {
    out.push(`  ${marks[g.mark]} ${escapeText(g.heading)}`);
    for (const line of g.failures) out.push(`      ${escapeText(line)}`);
  }
  return [...out, ''];
}

/** Diagnostics for a terminal, one a line (`file:line:col: severity: message`), their names' controls shown. */
export function textDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${escapeText(formatDiagnostic(d))}\n`).join('');
}

/**
 * `validate` on a terminal: the diagnostics on the error stream, then `file: valid (3 policies, 3 targets)`
 * as the output, or `file: invalid (2 errors)` on the error stream too.
 */
function textCheck({ file, state, diagnostics }: CheckInput): CheckOutput {
  const shown = textDiagnostics(diagnostics);
  if (!state) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    return { output: '', messages: `${shown}${file}: invalid (${plural(errors, 'error')})\n` };
  }
  const targets = state.policies.reduce((n, p) => n + p.targets.length, 0);
  const warnings = diagnostics.length;
  const bedrock = state.bedrock
    ? `, ${plural(state.bedrock.policies.length, 'Bedrock policy', 'Bedrock policies')}`
    : '';
  const counts = `${plural(state.policies.length, 'policy', 'policies')}, ${plural(targets, 'target')}${bedrock}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
  return { output: `${file}: valid (${counts})\n`, messages: shown };
}

/** `--format text` (the default): for terminals. */
export const textFormat = defineFormat({
  name: 'text',
  kind: 'report',
  render: (input) => renderText(input.plan, { color: input.color, limit: input.limit }),
  renderCheck: textCheck,
});
