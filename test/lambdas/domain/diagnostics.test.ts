/**
 * Located messages (lambdas/domain/diagnostics.ts): how one reads, and the order the loader lists them
 * in (errors first, then by line and column), so the first line a user reads is the first error.
 */
import { describe, expect, it } from 'vitest';
import {
  type Diagnostic,
  formatDiagnostic,
  hasErrors,
  sortDiagnostics,
} from '../../../lambdas/domain/diagnostics.ts';

function at(severity: Diagnostic['severity'], line: number, col: number): Diagnostic {
  return {
    severity,
    code: 'x',
    message: `${severity} ${line}:${col}`,
    location: { file: 'a.yaml', line, col },
  };
}

describe('diagnostics', () => {
  it('reads file:line:col: severity: message, and the hint after a semicolon when there is one', () => {
    expect(formatDiagnostic({ ...at('error', 3, 7), message: 'bad', hint: 'fix it' })).toBe(
      'a.yaml:3:7: error: bad; fix it',
    );
    expect(formatDiagnostic({ ...at('warning', 1, 1), message: 'odd' })).toBe('a.yaml:1:1: warning: odd');
    expect(formatDiagnostic({ ...at('warning', 1, 1), message: 'odd', hint: '' })).toBe(
      'a.yaml:1:1: warning: odd',
    );
  });

  it('lists errors first, then by line, then by column; leaves its input as it was', () => {
    const given = [
      at('warning', 1, 1),
      at('error', 9, 2),
      at('error', 2, 8),
      at('warning', 1, 0),
      at('error', 9, 1),
      at('error', 2, 8),
    ];
    const before = [...given];

    expect(sortDiagnostics(given).map((d) => d.message)).toEqual([
      'error 2:8',
      'error 2:8',
      'error 9:1',
      'error 9:2',
      'warning 1:0',
      'warning 1:1',
    ]);
    expect(given).toEqual(before);
  });

  it('has errors when any is an error', () => {
    expect(hasErrors([at('warning', 1, 1), at('error', 2, 1)])).toBe(true);
    expect(hasErrors([at('warning', 1, 1)])).toBe(false);
    expect(hasErrors([])).toBe(false);
  });
});
