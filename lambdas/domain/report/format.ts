/**
 * What a report format is: one object with a name, a kind and a `render` from one input (`ReportInput`),
 * registered in one list (registry.ts). The CLI's `--format` choices, the pipeline's report artifact and
 * the latest run's keys are all read from that list, so a new format is one module and one line there.
 */
import type { DesiredState } from '../desired-state/types.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { OrgSnapshot } from '../model.ts';
import type { Plan } from '../planner/schema.ts';
import type { AppliedStepReport } from './schema.ts';

/** What the pipeline run says about itself beyond the plan. */
export interface ReportContext {
  /** The configuration revision checked (the pipeline's source revision), when known. */
  readonly revision?: string | undefined;
  /** What started the run (the pipeline's `trigger` variable), when known. */
  readonly trigger?: string | undefined;
}

/** Everything a report is made from: the plan, and what the caller knows besides. Formats read what they need. */
export interface ReportInput {
  /** The plan (after an apply: the plan of the state it verified). */
  readonly plan: Plan;
  /** When the report is made (JSON's `generatedAt`, the HTML header). */
  readonly generatedAt: Date;
  /** After an apply: what each step did (JSON's `applied`; an empty list when nothing was applied). */
  readonly applied?: readonly AppliedStepReport[] | undefined;
  /** The pipeline run's revision and trigger (JSON, markdown and HTML show them). */
  readonly run?: ReportContext | undefined;
  /** Accounts listed per section before "… and N more" (text, markdown, HTML). */
  readonly limit?: number | undefined;
  /** ANSI colours (text): only for a terminal that takes them. */
  readonly color?: boolean | undefined;
  /** The desired state planned: the review formats place their findings in its file, JUnit reads its `expect`. */
  readonly state?: DesiredState | undefined;
  /** The organization planned against: JUnit has a case per account of it. */
  readonly snapshot?: OrgSnapshot | undefined;
  /** The desired-state file's own warnings: the review formats report them too. */
  readonly diagnostics?: readonly Diagnostic[] | undefined;
  /** The tool's version (SARIF's driver). */
  readonly toolVersion?: string | undefined;
  /** Absolute paths in findings are made relative to this folder (the repository root in CI). */
  readonly root?: string | undefined;
}

/** A check of the desired-state file alone: `validate`, or a plan that stopped at a configuration error. */
export interface CheckInput {
  /** The desired-state file checked. */
  readonly file: string;
  /** Its diagnostics: errors and warnings. */
  readonly diagnostics: readonly Diagnostic[];
  /** The desired state, when the file is valid. */
  readonly state?: DesiredState | undefined;
  /** The configuration error a plan stopped at (only plan passes one: validate reports diagnostics). */
  readonly error?: { readonly message: string; readonly diagnostics: readonly Diagnostic[] } | undefined;
  readonly toolVersion?: string | undefined;
  readonly root?: string | undefined;
}

/** A check as printed: the output, and what a terminal shows on its error stream beside it (text only). */
export interface CheckOutput {
  readonly output: string;
  readonly messages?: string;
}

/** A file of the pipeline's report artifact (a zip); `latest`: also kept at a stable key in the state bucket. */
export interface ReportArtifact<File extends string = string> {
  readonly file: File;
  /** The S3 object's Content-Type at its latest key. */
  readonly contentType: string;
  readonly latest: boolean;
}

interface FormatBase<Name extends string, File extends string> {
  /** The `--format` value. */
  readonly name: Name;
  render(input: ReportInput): string;
  /** The file it is in the pipeline's report artifact, if it is one of them. */
  readonly artifact?: ReportArtifact<File>;
}

/**
 * A report of the plan, for people and scripts: `plan`, `apply` and `demo` offer it, and it needs the plan
 * alone. With `renderCheck`, `validate` offers it too.
 */
export interface PlanReportFormat<Name extends string = string, File extends string = string>
  extends FormatBase<Name, File> {
  readonly kind: 'report';
  renderCheck?(check: CheckInput): CheckOutput;
}

/**
 * What pull-request tools read: findings at their place in the desired-state file. `plan` and `validate`
 * offer it; it needs `state` (and, for JUnit, `snapshot`), and a plan's configuration error is reported in
 * it too, at its place in the file.
 */
export interface ReviewFormat<Name extends string = string, File extends string = string>
  extends FormatBase<Name, File> {
  readonly kind: 'review';
  renderCheck(check: CheckInput): CheckOutput;
}

export type ReportFormat<Name extends string = string, File extends string = string> =
  | PlanReportFormat<Name, File>
  | ReviewFormat<Name, File>;

/** A format, its name and artifact file kept as literal types (the registry derives its unions from them). */
export function defineFormat<const Name extends string, const File extends string = never>(
  format: ReportFormat<Name, File>,
): ReportFormat<Name, File> {
  return format;
}

/** The desired state a review format places its findings in, or one sentence naming the field to pass. */
export function reviewState(input: ReportInput, format: string): DesiredState {
  if (!input.state)
    throw new Error(
      `the ${format} report places findings in the desired-state file: pass the desired state planned as ReportInput.state`,
    );
  return input.state;
}
