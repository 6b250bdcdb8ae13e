/**
 * Typed errors, and the one place that maps every error onto a CLI exit code and a CodePipeline
 * failure type (docs/pipeline-job.md, docs/cli.md). Drift is a result, not an error: these are the
 * reasons a run could not produce a trustworthy result.
 *
 * A plain `Error` is deliberate: it means a bug, or an answer AWS's API documents it never gives
 * (ListRoots with no root, CreatePolicy with no policy id). Nobody can fix those by editing input or
 * permissions, so they are JobFailed, and the job logs their stack.
 */
import type { Verdict } from './contract.ts';
import { type Diagnostic, formatDiagnostic } from './diagnostics.ts';

export type FailureType = 'ConfigurationError' | 'PermissionError' | 'JobFailed' | 'SystemUnavailable';

/** Thrown when the desired state, a parameter or a target is wrong: the user must fix their input. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The message followed by each diagnostic on its own line. */
  detail(): string {
    return [this.message, ...this.diagnostics.map(formatDiagnostic)].join('\n');
  }
}

/** Thrown when a snapshot file is not a valid organization snapshot; names the bad field. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** Thrown when AWS denies an operation; names the operation and the IAM permission it needs. */
export class PermissionError extends Error {
  override name = 'PermissionError';
  constructor(
    readonly operation: string,
    readonly permission: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Thrown when the endpoint does not implement an operation (an emulator, a proxy to the wrong host):
 * the user must point the command elsewhere or do without the operation, which the message names.
 */
export class UnsupportedOperationError extends Error {
  override name = 'UnsupportedOperationError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown when AWS keeps throttling or failing past the retry budget, or does not answer at all. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}

/**
 * Thrown when the pipeline job's work deadline passes (the function timeout is too short for the step
 * it names). JobFailed, not SystemUnavailable: AWS answered; the job ran out of time.
 */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

const FAILURE_TYPES: readonly (readonly [new (...args: never[]) => Error, FailureType])[] = [
  [ConfigurationError, 'ConfigurationError'],
  [SnapshotError, 'ConfigurationError'],
  [PermissionError, 'PermissionError'],
  [UnsupportedOperationError, 'ConfigurationError'],
  [ServiceUnavailableError, 'SystemUnavailable'],
  [DeadlineError, 'JobFailed'],
];

/** The CodePipeline failure type of an error; anything untyped (see above) is JobFailed. */
export function failureTypeFor(error: unknown): FailureType {
  return FAILURE_TYPES.find(([type]) => error instanceof type)?.[1] ?? 'JobFailed';
}

/** The CLI's exit codes: 0 in sync (or valid), 2 drift, 1 for every error. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_DRIFT = 2;

/** Every error exits 1, whatever its type (the message says which it is); drift is never thrown. */
export function exitCodeFor(_error: unknown): number {
  return EXIT_ERROR;
}

/** The exit code of a plan's or an apply's verdict. */
export function exitCodeForVerdict(verdict: Verdict): number {
  return verdict === 'in-sync' ? EXIT_OK : EXIT_DRIFT;
}

export function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) return error.detail();
  if (error instanceof Error) return error.message;
  return String(error);
}
