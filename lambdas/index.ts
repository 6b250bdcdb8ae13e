/**
 * The library (`import … from 'ai-optout'`): load and validate a desired state, plan it against an
 * organization snapshot or the live organization (an OrganizationSession: read, confirm, plan, apply), and
 * render reports (every format, and the registry `REPORTS` that lists them:
 * `REPORTS.get('sarif').render(input)`). The CLI, the pipeline job and the Config rule are built from
 * these same parts. The CDK constructs are `ai-optout/cdk`.
 */

export { createOrganizationsClient } from './adapters/aws/clients.ts';
export { readDesiredStateFile, readSnapshotFile, writeSnapshotFile } from './adapters/files.ts';
export { packageVersion } from './adapters/package-root.ts';
export { type LoadOptions, type LoadResult, loadDesiredState } from './domain/desired-state/loader.ts';
export type { DesiredState } from './domain/desired-state/types.ts';
export type { Diagnostic } from './domain/diagnostics.ts';
export {
  ConfigurationError,
  PermissionError,
  ServiceUnavailableError,
  SnapshotError,
} from './domain/errors.ts';
export type { OrgSnapshot } from './domain/model.ts';
export { type Change, type ChangeAction, type Plan, type PlanOptions, plan } from './domain/planner.ts';
export { pullRequestPart } from './domain/pull-request.ts';
export { type Finding, planFindings } from './domain/report/findings.ts';
export {
  type CheckInput,
  type CheckOutput,
  defineFormat,
  type ReportArtifact,
  type ReportContext,
  type ReportFormat,
  type ReportInput,
} from './domain/report/format.ts';
export { githubFormat, renderGithub } from './domain/report/github.ts';
export { type HtmlOptions, htmlFormat, renderHtml } from './domain/report/html.ts';
export { jsonFormat, renderJson, toReport } from './domain/report/json.ts';
export { junitFormat, renderJunitDiagnostics, renderJunitPlan } from './domain/report/junit.ts';
export { type MarkdownOptions, markdownFormat, renderMarkdown } from './domain/report/markdown.ts';
export {
  type FormatName,
  type FormatRegistry,
  formatRegistry,
  REPORTS,
  type ReportFile,
} from './domain/report/registry.ts';
export { renderSarif, type SarifOptions, sarifFormat } from './domain/report/sarif.ts';
export type { Report } from './domain/report/schema.ts';
export { renderText, type TextOptions, textFormat } from './domain/report/text.ts';
export { parseSnapshot, serializeSnapshot } from './domain/snapshot.ts';
export {
  type ApplyResult,
  type ConfirmedOrganization,
  OrganizationSession,
  type PlannedOrganization,
  type ResumableRead,
  type SessionOptions,
} from './organization-session.ts';
export { applyPlanned, planConfirmed, planLive, type ReconcileOptions, readLive } from './reconciler.ts';
