/**
 * The HTML report, for people: one self-contained file (inline CSS, the OU tree as inline SVG, no
 * script, font or image from anywhere; its Content-Security-Policy forbids loading any), with the
 * markdown report's sections: the verdict and its figures, the policy changes, the effective changes
 * and violations per account, the organization tree with non-compliant OUs marked, what AWS confirmed of
 * the effective policies, the warnings.
 */
import type { Change, Plan, PlanWarning } from '../planner/schema.ts';
import { plural } from '../plural.ts';
import {
  type AccountSection,
  accountSections,
  changeColumns,
  DEFAULT_ROW_LIMIT,
  type FidelitySection,
  fidelitySection,
  planSubject,
} from './common.ts';
import { escapeHtml as e } from './escape.ts';
import { defineFormat, type ReportContext } from './format.ts';
import { renderSvgTree } from './svg-tree.ts';

export interface HtmlOptions {
  limit?: number;
  maxGraphNodes?: number;
  /** When the report was made (shown in the header). */
  generatedAt?: Date;
  context?: ReportContext;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#1b1f24;max-width:1400px}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.verdict{color:#fff;padding:0 .4em;border-radius:6px}.verdict.in-sync{background:#1a7f37}.verdict.drift{background:#c62828}
table{border-collapse:collapse;margin:.4em 0;font-size:.92em}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
.summary{font-weight:600}.meta{color:#57606a;font-size:.9em}.more{color:#57606a;font-style:italic}
.tree-box{overflow:auto;border:1px solid #d0d7de;padding:6px;background:#fff}
.tree .node rect{stroke-width:1.5}.tree .compliant rect{fill:#e8f5e9;stroke:#2e7d32}
.tree .noncompliant rect{fill:#fde2e1;stroke:#c62828;stroke-width:3}.tree .empty rect{fill:#f6f8fa;stroke:#8c959f}
.tree text{text-anchor:middle;font-size:12px;fill:#1b1f24}.tree text.name{font-weight:600;font-size:13px}
.tree .edge{fill:none;stroke:#8c959f;stroke-width:1.2}
.legend span{display:inline-block;padding:1px 8px;margin-right:8px;border:1.5px solid;border-radius:4px;font-size:.85em}
`;

/** Nothing may be loaded: no script, no font, no image; only the inline style. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'";

export function renderHtml(plan: Plan, options: HtmlOptions = {}): string {
  const limit = options.limit ?? DEFAULT_ROW_LIMIT;
  const title = `${planSubject(plan)}: ${plan.verdict}`;
  const body = [
    ...header(plan, options),
    ...changeTable(plan.changes),
    ...accountSections(plan).flatMap((section) => sectionTable(section, limit)),
    ...organization(plan, options.maxGraphNodes),
    ...(plan.fidelity ? fidelityHtml(fidelitySection(plan.fidelity)) : []),
    ...warningList(plan.warnings),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)} (${e(plan.organization.id)})</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(plan: Plan, options: HtmlOptions): string[] {
  const { organization: org, accounts } = plan;
  const context = options.context ?? {};
  const meta = [
    options.generatedAt ? `Generated ${e(options.generatedAt.toISOString())}` : undefined,
    context.revision ? `configuration revision <code>${e(context.revision)}</code>` : undefined,
    context.trigger ? `triggered by ${e(context.trigger)}` : undefined,
  ].filter(Boolean);
  return [
    // A badge, not an emoji: a machine without an emoji font shows an emoji as an empty box.
    `<h1>${e(planSubject(plan))}: <span class="verdict ${plan.verdict}">${e(plan.verdict)}</span></h1>`,
    `<p class="summary">${e(plan.summary)}</p>`,
    ...(meta.length > 0 ? [`<p class="meta">${meta.join('; ')}</p>`] : []),
    '<table class="figures"><tr><th>Organization</th><th>Root</th><th>Mode</th><th>Accounts</th><th>Compliant</th><th>Non-compliant</th></tr>',
    `<tr><td><code>${e(org.id)}</code></td><td><code>${e(org.rootId)}</code></td><td>${e(plan.mode)}</td><td class="num">${accounts.total}</td><td class="num">${accounts.compliant}</td><td class="num">${accounts.nonCompliant}</td></tr></table>`,
  ];
}

/** What AWS confirmed, as the markdown report shows it: the line, then each disagreement. */
function fidelityHtml(section: FidelitySection): string[] {
  const out = [`<h2>${e(section.title)}</h2>`, `<p>${e(section.summary)}</p>`];
  if (section.disagreements.length > 0) {
    out.push(
      '<table class="fidelity"><tr><th>State</th><th>Differences</th><th>Computed</th><th>AWS</th></tr>',
    );
    for (const d of section.disagreements) {
      const differences = d.differences.map(e).join('<br>');
      out.push(
        `<tr><td>${e(d.heading)}</td><td>${differences}</td><td><code>${e(d.local)}</code></td><td><code>${e(d.aws)}</code></td></tr>`,
      );
    }
    out.push('</table>');
  }
  if (section.settled.length > 0) {
    out.push(
      '<p>Same-node conflicts settled by AWS:</p>',
      '<ul>',
      ...section.settled.map((line) => `<li>${e(line)}</li>`),
      '</ul>',
    );
  }
  if (section.left) out.push(`<p>${e(section.left)}</p>`);
  return out;
}

function changeTable(changes: readonly Change[]): string[] {
  const heading = `<h2>Policy changes (${changes.length})</h2>`;
  if (changes.length === 0) return [heading, '<p>None.</p>'];
  const rows = changes.map((change) => {
    const { symbol, subject, where } = changeColumns(change);
    return `<tr><td><code>${e(symbol)}</code></td><td>${e(change.action)}</td><td>${e(subject)}</td><td>${e(where)}</td><td>${e(change.detail)}</td></tr>`;
  });
  return [
    heading,
    '<table class="changes"><tr><th></th><th>Action</th><th>Policy</th><th>Target</th><th>Detail</th></tr>',
    ...rows,
    '</table>',
  ];
}

function sectionTable({ title, intro, groups }: AccountSection, limit: number): string[] {
  const heading = `<h2>${e(title)} (${plural(groups.length, 'account')})</h2>`;
  if (groups.length === 0) return [heading, '<p>None.</p>'];
  const rows = groups.slice(0, limit).map((group) => {
    const settings = group.rows.map(e).join('<br>');
    return `<tr><td>${e(group.path)}</td><td>${e(group.accountName)} (<code>${e(group.accountId)}</code>)</td><td>${settings}</td></tr>`;
  });
  const more =
    groups.length > limit
      ? [`<p class="more">… and ${groups.length - limit} more accounts (the JSON report lists all).</p>`]
      : [];
  return [
    heading,
    `<p>${e(intro).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`,
    '<table class="accounts"><tr><th>Path</th><th>Account</th><th>Settings</th></tr>',
    ...rows,
    '</table>',
    ...more,
  ];
}

function organization(plan: Plan, maxNodes: number | undefined): string[] {
  const { svg, omitted } = renderSvgTree(plan.nodes, maxNodes);
  return [
    '<h2>Organization</h2>',
    '<p class="legend"><span style="background:#fde2e1;border-color:#c62828">non-compliant accounts</span><span style="background:#e8f5e9;border-color:#2e7d32">compliant</span><span style="background:#f6f8fa;border-color:#8c959f">no accounts directly in it</span></p>',
    `<div class="tree-box">${svg}</div>`,
    ...(omitted > 0 ? [`<p class="more">${omitted} compliant OUs are not drawn.</p>`] : []),
  ];
}

function warningList(warnings: readonly PlanWarning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `<h2>Warnings (${warnings.length})</h2>`,
    '<ul>',
    ...warnings.map((w) => `<li>${e(w.message)}</li>`),
    '</ul>',
  ];
}

/** `--format html`: one self-contained page; `report.html` of the artifact and the latest run. */
export const htmlFormat = defineFormat({
  name: 'html',
  kind: 'report',
  render: (input) =>
    renderHtml(input.plan, { limit: input.limit, generatedAt: input.generatedAt, context: input.run }),
  artifact: { file: 'report.html', contentType: 'text/html; charset=utf-8', latest: true },
});
