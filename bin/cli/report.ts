/** What the commands print: reports in the format asked for, diagnostics, apply steps. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

import type { AppliedStep } from '../../lambdas/adapters/organizations/applier.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import { type Diagnostic, formatDiagnostic } from '../../lambdas/domain/diagnostics.ts';
import type { ConfigurationError } from '../../lambdas/domain/errors.ts';
import type { OrgSnapshot } from '../../lambdas/domain/model.ts';
import type { Plan } from '../../lambdas/domain/planner.ts';
import { escapeText, escapeTextLines } from '../../lambdas/domain/report/escape.ts';
import {
  diagnosticFindings,
  errorFindings,
  type Finding,
  planFindings,
} from '../../lambdas/domain/report/findings.ts';
import { renderGithub } from '../../lambdas/domain/report/github.ts';
import { renderHtml } from '../../lambdas/domain/report/html.ts';
import { renderJson } from '../../lambdas/domain/report/json.ts';
import { renderJunitDiagnostics, renderJunitPlan } from '../../lambdas/domain/report/junit.ts';
import { renderMarkdown } from '../../lambdas/domain/report/markdown.ts';
import { renderSarif } from '../../lambdas/domain/report/sarif.ts';
import { renderText } from '../../lambdas/domain/report/text.ts';
import type { CliIo } from './io.ts';
import type { ReportFormat, ReviewFormat } from './options.ts';
import { writeOut } from './out-file.ts';

export interface ReportOptions {
  format: ReportFormat;
  out?: string | undefined;
  limit?: number;
  /** Whether colours are wanted (`--no-color` turns them off); a terminal must take them too. */
  color: boolean;
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${escapeText(formatDiagnostic(diagnostic))}\n`);
}

/** One apply step for the terminal (policy names and paths come from the file and the organization). */
export function describeStep(step: AppliedStep): string {
  const mark = step.outcome === 'done' ? '✓' : step.outcome === 'already-done' ? '=' : '·';
  return escapeText(
    `  ${mark} ${step.action} ${step.policy ?? ''}${step.targetPath ? ` → ${step.targetPath}` : ''}${step.outcome === 'done' ? '' : ` (${step.detail})`}`,
  );
}

/** What the pull-request formats need besides the plan: the desired state, the organization, the file's warnings. */
export interface ReviewContext {
  state: DesiredState;
  snapshot: OrgSnapshot;
  diagnostics: readonly Diagnostic[];
}

/** The package's version, for SARIF's tool. */
function toolVersion(): string {
  return (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

/** Paths in SARIF and annotations are relative to the working directory (the repository root in CI). */
function repositoryRelative(findings: Finding[]): Finding[] {
  return findings.map((f) =>
    isAbsolute(f.location.file)
      ? { ...f, location: { ...f.location, file: relative(process.cwd(), f.location.file) } }
      : f,
  );
}

/** Findings (validate, or a configuration error) in a pull-request format; JUnit gets one case for the file. */
export function renderFindings(
  format: ReviewFormat,
  file: string,
  found: { diagnostics: readonly Diagnostic[]; error?: ConfigurationError },
): string {
  // Only plan passes an error (validate reports diagnostics): the JUnit suite names the command that ran.
  const command = found.error ? 'plan' : 'validate';
  const findings = repositoryRelative(
    found.error ? errorFindings(found.error, file) : diagnosticFindings(found.diagnostics),
  );
  if (format === 'sarif') return renderSarif(findings, { toolVersion: toolVersion() });
  if (format === 'github') return renderGithub(findings);
  return renderJunitDiagnostics(
    file,
    found.error ? found.error.diagnostics : found.diagnostics,
    found.error?.message,
    command,
  );
}

function renderReview(format: ReviewFormat, result: Plan, review: ReviewContext): string {
  if (format === 'junit') return renderJunitPlan(result, review.snapshot, review.state.expect);
  const findings = repositoryRelative([
    ...diagnosticFindings(review.diagnostics),
    ...planFindings(result, review.state),
  ]);
  if (format === 'sarif') return renderSarif(findings, { toolVersion: toolVersion() });
  return renderGithub(findings, result.summary);
}

export function render(
  result: Plan,
  options: ReportOptions,
  io: CliIo,
  applied?: AppliedStep[],
  review?: ReviewContext,
): string {
  switch (options.format) {
    case 'json':
      return renderJson(result, io.now(), applied);
    case 'markdown':
      return renderMarkdown(result, { limit: options.limit });
    case 'sarif':
    case 'junit':
    case 'github':
      if (!review) throw new Error(`--format ${options.format} needs the desired state and the organization`);
      return renderReview(options.format, result, review);
    case 'html':
      return renderHtml(result, { limit: options.limit, generatedAt: io.now() });
    default:
      return renderText(result, { color: options.color && io.color && !options.out, limit: options.limit });
  }
}

/** The report on standard output, or written to `--out` with only the summary printed. */
export async function emitReport(
  result: Plan,
  options: ReportOptions,
  io: CliIo,
  review?: ReviewContext,
): Promise<void> {
  await emitText(render(result, options, io, undefined, review), result.summary, options.out, io);
}

/** Text on standard output, or written to `out` with only the summary printed. */
export async function emitText(
  text: string,
  summary: string,
  out: string | undefined,
  io: CliIo,
): Promise<void> {
  if (out) {
    await writeOut(io, out, text);
    io.stdout(`${escapeTextLines(summary)}\nReport written to ${out}\n`);
  } else io.stdout(text);
}
