/**
 * The library (`import … from 'ai-optout'`): load and validate a desired state, plan it against an
 * organization snapshot or the live organization (an OrganizationSession: read, confirm, plan, apply), and
 * render reports. The CLI, the pipeline job and the Config rule are built from these same parts. The CDK constructs are `ai-optout/cdk`.
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
export { renderJson, toReport } from './domain/report/json.ts';
export { type MarkdownOptions, renderMarkdown } from './domain/report/markdown.ts';
export type { Report } from './domain/report/schema.ts';
export { renderText, type TextOptions } from './domain/report/text.ts';
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
