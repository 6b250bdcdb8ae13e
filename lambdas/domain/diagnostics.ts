/** Located messages about an input file: `file:line:col: severity: message; hint`. */

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier of the rule, for tests and scripts (`unknown-key`, `duplicate-policy-name`, ...). */
  code: string;
  message: string;
  hint?: string | undefined;
  location: SourceLocation;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  const hint = diagnostic.hint ? `; ${diagnostic.hint}` : '';
  return `${formatLocation(diagnostic.location)}: ${diagnostic.severity}: ${diagnostic.message}${hint}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Errors first, then by position. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.location.line - b.location.line ||
      a.location.col - b.location.col,
  );
}
