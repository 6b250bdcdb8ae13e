/**
 * GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or `::notice` line
 * per finding, with `file`, `line`, `col` and a `title`, which GitHub shows as annotations on the pull
 * request (docs.github.com, "Workflow commands for GitHub Actions"). Values are escaped as the Actions
 * toolkit escapes them, with control characters shown as escapes first (escape.ts).
 * GitHub shows at most 10 annotations of each kind per step, so errors come first; the summary ends it.
 */
import { escapeWorkflowData as escapeData, escapeWorkflowProperty as escapeProperty } from './escape.ts';
import { checkFindings, type Finding, type FindingLevel, reviewFindings } from './findings.ts';
import { defineFormat, reviewState } from './format.ts';

const COMMAND: Record<FindingLevel, string> = { error: 'error', warning: 'warning', note: 'notice' };
const ORDER: readonly FindingLevel[] = ['error', 'warning', 'note'];

export function renderGithub(findings: readonly Finding[], summary?: string): string {
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.level) - ORDER.indexOf(b.level));
  const lines = sorted.map((f) => {
    const { file, line, col } = f.location;
    const properties = [
      `file=${escapeProperty(file)}`,
      `line=${line}`,
      `col=${col}`,
      `title=${escapeProperty(`ai-optout ${f.rule}`)}`,
    ];
    return `::${COMMAND[f.level]} ${properties.join(',')}::${escapeData(f.message)}`;
  });
  if (summary) lines.push(`::notice title=ai-optout::${escapeData(summary)}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** `--format github`: annotations on the pull request, and the plan's summary as a notice. */
export const githubFormat = defineFormat({
  name: 'github',
  kind: 'review',
  render: (input) => renderGithub(reviewFindings(input, reviewState(input, 'github')), input.plan.summary),
  renderCheck: (check) => ({ output: renderGithub(checkFindings(check)) }),
});
