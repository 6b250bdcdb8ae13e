/**
 * The markdown report, for pull-request comments and the pipeline's report artifact: tables, and a
 * Mermaid graph of the OU tree with non-compliant nodes marked.
 */
import type { NodeSummary, Plan } from '../planner/schema.ts';
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

export interface MarkdownOptions {
  limit?: number;
  /** Most OU nodes drawn in the Mermaid graph; beyond it only non-compliant branches are drawn. */
  maxGraphNodes?: number;
}

/** Escapes text for a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mermaidId(id: string): string {
  return `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function mermaidLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
}

/** Nodes to draw: all of them when few, else the non-compliant ones and their ancestors. */
function graphNodes(nodes: readonly NodeSummary[], max: number): { shown: NodeSummary[]; omitted: number } {
  if (nodes.length <= max) return { shown: [...nodes], omitted: 0 };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const keep = new Set<string>();
  for (const node of nodes) {
    if (node.nonCompliant === 0) continue;
    let current: NodeSummary | undefined = node;
    while (current && !keep.has(current.id)) {
      keep.add(current.id);
      current = current.parentId ? byId.get(current.parentId) : undefined;
    }
  }
  const root = nodes.find((n) => n.parentId === undefined);
  if (root) keep.add(root.id);
  const shown = nodes.filter((n) => keep.has(n.id)).slice(0, max);
  return { shown, omitted: nodes.length - shown.length };
}

export function renderMermaid(nodes: readonly NodeSummary[], maxNodes = 150): string {
  const { shown, omitted } = graphNodes(nodes, maxNodes);
  const ids = new Set(shown.map((n) => n.id));
  const lines = ['```mermaid', 'graph TD'];
  for (const node of shown) {
    const counts =
      node.accounts === 0
        ? ''
        : node.nonCompliant > 0
          ? `<br/>${node.nonCompliant} of ${plural(node.accounts, 'account')} non-compliant`
          : `<br/>${plural(node.accounts, 'account')}, compliant`;
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
  const icon = plan.verdict === 'in-sync' ? '✅' : '❌';
  const out: string[] = [];
  out.push(`## ${icon} AI services opt-out: ${plan.verdict}`);
  out.push('');
  out.push(`**${cell(plan.summary)}**`);
  out.push('');
  out.push('| Organization | Root | Mode | Accounts | Compliant | Non-compliant |');
  out.push('|---|---|---|---:|---:|---:|');
  out.push(
    `| \`${plan.organization.id}\` | \`${plan.organization.rootId}\` | ${plan.mode} | ${plan.accounts.total} | ${plan.accounts.compliant} | ${plan.accounts.nonCompliant} |`,
  );
  out.push('');

  out.push(`### Policy changes (${plan.changes.length})`);
  out.push('');
  if (plan.changes.length === 0) out.push('None.');
  else {
    out.push('| | Action | Policy | Target | Detail |');
    out.push('|---|---|---|---|---|');
    for (const change of plan.changes) {
      out.push(
        `| \`${ACTION_SYMBOL[change.action]}\` | ${change.action} | ${cell(changeSubject(change))} | ${cell(changeWhere(change))} | ${cell(change.detail)} |`,
      );
    }
  }
  out.push('');

  const sections = [
    {
      title: 'Effective changes',
      intro: 'Resolved settings that would change for each account if the plan were applied.',
      groups: byAccount(plan.effectiveChanges),
      describe: describeEffectiveChange,
    },
    {
      title: 'Violations of expect',
      intro: "Accounts whose current effective setting breaks the file's `expect` block.",
      groups: byAccount(plan.violations),
      describe: describeViolation,
    },
  ] as const;
  for (const section of sections) {
    out.push(`### ${section.title} (${plural(section.groups.length, 'account')})`);
    out.push('');
    if (section.groups.length === 0) {
      out.push('None.');
      out.push('');
      continue;
    }
    out.push(section.intro);
    out.push('');
    out.push('| Path | Account | Settings |');
    out.push('|---|---|---|');
    for (const group of section.groups.slice(0, limit)) {
      const rows = group.rows
        .map((row) => cell((section.describe as (r: typeof row) => string)(row)))
        .join('<br>');
      out.push(`| ${cell(group.path)} | ${cell(group.accountName)} (\`${group.accountId}\`) | ${rows} |`);
    }
    if (section.groups.length > limit) {
      out.push('');
      out.push(`… and ${section.groups.length - limit} more accounts (the JSON report lists all).`);
    }
    out.push('');
  }

  out.push('### Organization');
  out.push('');
  out.push(renderMermaid(plan.nodes, options.maxGraphNodes));
  out.push('');

  if (plan.warnings.length > 0) {
    out.push(`### Warnings (${plan.warnings.length})`);
    out.push('');
    for (const warning of plan.warnings) out.push(`- ${cell(warning.message)}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
