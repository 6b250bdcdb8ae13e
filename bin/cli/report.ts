/** What the commands print: reports in the format asked for, diagnostics, apply steps. */

import { writeTextFile } from '../../lambdas/adapters/files.ts';
import type { AppliedStep } from '../../lambdas/adapters/organizations/applier.ts';
import { type Diagnostic, formatDiagnostic } from '../../lambdas/domain/diagnostics.ts';
import type { Plan } from '../../lambdas/domain/planner.ts';
import { renderHtml } from '../../lambdas/domain/report/html.ts';
import { renderJson } from '../../lambdas/domain/report/json.ts';
import { renderMarkdown } from '../../lambdas/domain/report/markdown.ts';
import { renderText } from '../../lambdas/domain/report/text.ts';
import type { CliIo } from './io.ts';
import type { ReportFormat } from './options.ts';

export interface ReportOptions {
  format: ReportFormat;
  out?: string | undefined;
  limit?: number;
  /** Whether colours are wanted (`--no-color` turns them off); a terminal must take them too. */
  color: boolean;
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
}

export function describeStep(step: AppliedStep): string {
  const mark = step.outcome === 'done' ? '✓' : step.outcome === 'already-done' ? '=' : '·';
  return `  ${mark} ${step.action} ${step.policy ?? ''}${step.targetPath ? ` → ${step.targetPath}` : ''}${step.outcome === 'done' ? '' : ` (${step.detail})`}`;
}

export function render(result: Plan, options: ReportOptions, io: CliIo, applied?: AppliedStep[]): string {
  switch (options.format) {
    case 'json':
      return renderJson(result, io.now(), applied);
    case 'markdown':
      return renderMarkdown(result, { limit: options.limit });
    case 'html':
      return renderHtml(result, { limit: options.limit, generatedAt: io.now() });
    default:
      return renderText(result, { color: options.color && io.color && !options.out, limit: options.limit });
  }
}

/** The report on standard output, or written to `--out` with only the summary printed. */
export async function emitReport(result: Plan, options: ReportOptions, io: CliIo): Promise<void> {
  const text = render(result, options, io);
  if (options.out) {
    await writeTextFile(options.out, text);
    io.stdout(`${result.summary}\nReport written to ${options.out}\n`);
  } else io.stdout(text);
}
