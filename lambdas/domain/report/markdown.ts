/**
 * The markdown report, for pull-request comments and the pipeline's report artifact: tables, and a
 * Mermaid graph of the OU tree with non-compliant nodes marked.
 */
import type { Change, NodeSummary, Plan, PlanWarning } from '../planner/schema.ts';
import { plural } from '../plural.ts';
import {
  type AccountSection,
  accountSections,
  changeColumns,
  DEFAULT_ROW_LIMIT,
  type FidelitySection,
  fidelitySection,
  graphNodes,
  nodeCounts,
  type PreflightSection,
  planSubject,
  preflightSection,
  pullRequestSections,
  pullRequestVerdict,
  snapshotLine,
  VERDICT_ICON,
} from './common.ts';
import { escapeMarkdown, markdownCode, showControls } from './escape.ts';
import { defineFormat, type ReportContext } from './format.ts';

export interface MarkdownOptions {
  limit?: number;
  /** Most OU nodes drawn in the Mermaid graph; beyond it only non-compliant branches are drawn. */
  maxGraphNodes?: number;
  /** The run's revision and trigger, shown under the summary (pipeline runs). */
  context?: ReportContext;
}

function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/**
 * A Mermaid node label inside `["…"]`: Mermaid's entity codes for what would end the label, start HTML
 * or a markdown string, or close the code fence; control characters (a line break would start a Mermaid
 * statement) shown as escapes.
 */
function mermaidLabel(text: string): string {
  return showControls(text).replace(/["<>`#]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function renderMermaid(nodes: readonly NodeSummary[], maxNodes = 150): string {
  const { shown, omitted } = graphNodes(nodes, maxNodes);
  const ids = new Set(shown.map((n) => n.id));
  const lines = ['```mermaid', 'graph TD'];
  for (const node of shown) {
    const counts = node.accounts === 0 ? '' : `<br/>${nodeCounts(node)}`;
    lines.push(`  ${mermaidId(node.id)}["${mermaidLabel(node.name)}${counts}"]`);
  }
  for (const node of shown) {
    if (node.parentId && ids.has(node.parentId))
      lines.push(`  ${mermaidId(node.parentId)} --> ${mermaidId(node.id)}`);
  }
  const bad = shown.filter((n) => n.nonCompliant > 0);
  lines.push('  classDef noncompliant fill:#fde2e1,stroke:#c62828,stroke-width:2px,color:#000');
  if (bad.length > 0) lines.push(`  class ${bad.map((n) => mermaidId(n.id)).join(',')} noncompliant`);
  lines.push('```');
  if (omitted > 0) lines.push(`_${omitted} compliant OUs are not drawn._`);
  return lines.join('\n');
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? DEFAULT_ROW_LIMIT;
  const out = [
    ...pullRequestLines(plan, limit),
    ...headerLines(plan, options.context),
    ...changeTable(plan.changes),
    ...accountSections(plan).flatMap((section) => sectionTable(section, limit)),
    '### Organization',
    '',
    renderMermaid(plan.nodes, options.maxGraphNodes),
    '',
    ...(plan.fidelity ? fidelityMarkdown(fidelitySection(plan.fidelity)) : []),
    ...(plan.preflight ? preflightMarkdown(preflightSection(plan.preflight)) : []),
    ...warningList(plan.warnings),
  ];
  return out.join('\n');
}

/** First, when there is a base to compare with: what the pull request itself changes. */
function pullRequestLines(plan: Plan, limit: number): string[] {
  const part = plan.pullRequest;
  if (!part) return [];
  const { headline, reasons } = pullRequestVerdict(part);
  return [
    `## ${VERDICT_ICON[part.verdict]} AI services opt-out: ${escapeMarkdown(part.summary)}`,
    '',
    `**${escapeMarkdown(headline)}**`,
    '',
    ...(reasons.length > 0 ? [...reasons.map((reason) => `- ${escapeMarkdown(reason)}`), ''] : []),
    `Compared with the desired state at the base (${markdownCode(part.baseConfig)}), on the same organization: drift that was there before is not counted here.`,
    '',
    ...changeTable(part.changes, 'Policy changes this pull request makes'),
    ...pullRequestSections(part).flatMap((section) => sectionTable(section, limit)),
    '---',
    '',
  ];
}

function headerLines(plan: Plan, context: ReportContext = {}): string[] {
  const { organization: org, accounts } = plan;
  const meta = [
    context.trigger ? `Triggered by ${escapeMarkdown(context.trigger)}` : undefined,
    context.revision ? `configuration revision ${markdownCode(context.revision)}` : undefined,
  ].filter(Boolean);
  const snapshot = snapshotLine(plan);
  const icon = plan.verdict === 'in-sync' ? '✅' : '❌';
  return [
    plan.pullRequest
      ? `## ${icon} The whole organization: ${plan.verdict}`
      : `## ${icon} ${planSubject(plan)}: ${plan.verdict}`,
    '',
    `**${escapeMarkdown(plan.summary)}**`,
    '',
    ...(snapshot ? [`_${escapeMarkdown(snapshot)}._`, ''] : []),
    ...(meta.length > 0 ? [`_${meta.join('; ')}_`, ''] : []),
    '| Organization | Root | Mode | Accounts | Compliant | Non-compliant |',
    '|---|---|---|---:|---:|---:|',
    `| ${markdownCode(org.id)} | ${markdownCode(org.rootId)} | ${plan.mode} | ${accounts.total} | ${accounts.compliant} | ${accounts.nonCompliant} |`,
    '',
  ];
}

function changeTable(changes: readonly Change[], title = 'Policy changes'): string[] {
  const rows = changes.map((change) => {
    const { symbol, subject, where } = changeColumns(change);
    return `| \`${symbol}\` | ${change.action} | ${escapeMarkdown(subject)} | ${escapeMarkdown(where)} | ${escapeMarkdown(change.detail)} |`;
  });
  const table =
    rows.length === 0
      ? ['None.']
      : ['| | Action | Policy | Target | Detail |', '|---|---|---|---|---|', ...rows];
  return [`### ${title} (${changes.length})`, '', ...table, ''];
}

/** One row per account, its settings joined by line breaks; cut after `limit` accounts. */
function sectionTable(section: AccountSection, limit: number): string[] {
  const { title, intro, groups } = section;
  const heading = [`### ${title} (${plural(groups.length, 'account')})`, ''];
  if (groups.length === 0) return [...heading, 'None.', ''];
  const rows = groups.slice(0, limit).map((group) => {
    const settings = group.rows.map(escapeMarkdown).join('<br>');
    return `| ${escapeMarkdown(group.path)} | ${escapeMarkdown(group.accountName)} (${markdownCode(group.accountId)}) | ${settings} |`;
  });
  const more =
    groups.length > limit
      ? ['', `… and ${groups.length - limit} more accounts (the JSON report lists all).`]
      : [];
  return [...heading, intro, '', '| Path | Account | Settings |', '|---|---|---|', ...rows, ...more, ''];
}

function warningList(warnings: readonly PlanWarning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `### Warnings (${warnings.length})`,
    '',
    ...warnings.map((w) => `- ${escapeMarkdown(w.message)}`),
    '',
  ];
}

function fidelityMarkdown(section: FidelitySection): string[] {
  const out = [`### ${section.title}`, '', escapeMarkdown(section.summary), ''];
  if (section.disagreements.length > 0) {
    out.push('| State | Differences | Computed | AWS |', '|---|---|---|---|');
    for (const d of section.disagreements) {
      out.push(
        `| ${escapeMarkdown(d.heading)} | ${d.differences.map(escapeMarkdown).join('<br>')} | ${markdownCode(d.local)} | ${markdownCode(d.aws)} |`,
      );
    }
    out.push('');
  }
  if (section.settled.length > 0) {
    out.push(
      'Same-node conflicts settled by AWS:',
      '',
      ...section.settled.map((line) => `- ${escapeMarkdown(line)}`),
      '',
    );
  }
  if (section.left) out.push(escapeMarkdown(section.left), '');
  return out;
}

function preflightMarkdown(section: PreflightSection): string[] {
  const marks = { ok: '✅', failed: '❌', 'not-run': '❔' };
  return [
    `### ${section.title}`,
    '',
    escapeMarkdown(section.summary),
    '',
    ...section.guardrails.map(
      (g) =>
        `- ${marks[g.mark]} ${escapeMarkdown(g.heading)}${g.failures.map((f) => `<br>${escapeMarkdown(f)}`).join('')}`,
    ),
    '',
  ];
}

/** `--format markdown`: for pull-request comments; `report.md` of the pipeline's report artifact. */
export const markdownFormat = defineFormat({
  name: 'markdown',
  kind: 'report',
  render: (input) => renderMarkdown(input.plan, { limit: input.limit, context: input.run }),
  artifact: { file: 'report.md', contentType: 'text/markdown; charset=utf-8', latest: false },
});
