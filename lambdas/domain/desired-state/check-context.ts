/** What every check of a desired-state file reads (the built value and where it is) and adds to. */
import type { Diagnostic, Severity, SourceLocation } from '../diagnostics.ts';
import type { Locator } from './locator.ts';

export interface CheckContext {
  locate: Locator;
  /** The file's value as built from the YAML, before the schema. */
  js: unknown;
  diagnostics: Diagnostic[];
  /** Unknown service keys are errors rather than warnings. */
  strict: boolean;
}

export function addDiagnostic(
  ctx: CheckContext,
  severity: Severity,
  code: string,
  location: SourceLocation,
  message: string,
  hint?: string,
): void {
  ctx.diagnostics.push({ severity, code, location, message, ...(hint ? { hint } : {}) });
}

export function addError(
  ctx: CheckContext,
  code: string,
  location: SourceLocation,
  message: string,
  hint?: string,
): void {
  addDiagnostic(ctx, 'error', code, location, message, hint);
}
