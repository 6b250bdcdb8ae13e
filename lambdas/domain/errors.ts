/**
 * Typed errors, and the one place that maps them onto CLI exit codes and CodePipeline failure types.
 * Drift is a result, not an error: these are the reasons a run could not produce a trustworthy result.
 */
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

/** Thrown when AWS keeps throttling or failing past the retry budget. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}

export function failureTypeFor(error: unknown): FailureType {
  if (error instanceof ConfigurationError || error instanceof SnapshotError) return 'ConfigurationError';
  if (error instanceof PermissionError) return 'PermissionError';
  if (error instanceof ServiceUnavailableError) return 'SystemUnavailable';
  return 'JobFailed';
}

/** Every error exits 1; drift (exit 2) is reported through the plan, never thrown. */
export const ERROR_EXIT_CODE = 1;

export function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) return error.detail();
  if (error instanceof Error) return error.message;
  return String(error);
}
