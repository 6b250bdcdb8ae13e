/** The one mapping of errors onto CodePipeline failure types and CLI exit codes. */
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DeadlineError,
  describeError,
  EXIT_DRIFT,
  EXIT_ERROR,
  EXIT_OK,
  exitCodeFor,
  exitCodeForVerdict,
  failureTypeFor,
  PermissionError,
  ServiceUnavailableError,
  SnapshotError,
  UnsupportedOperationError,
} from '../../../lambdas/domain/errors.ts';

describe('errors: failure types and exit codes', () => {
  it('each typed error has its failure type; anything else is JobFailed', () => {
    const cases: [unknown, string][] = [
      [new ConfigurationError('bad file'), 'ConfigurationError'],
      [new SnapshotError('bad snapshot'), 'ConfigurationError'],
      [new PermissionError('ListRoots', 'organizations:ListRoots', 'denied'), 'PermissionError'],
      [new ServiceUnavailableError('throttled'), 'SystemUnavailable'],
      [new DeadlineError('stopped 45 s before the Lambda deadline'), 'JobFailed'],
      [new Error('ListRoots returned no root'), 'JobFailed'],
      ['a string', 'JobFailed'],
    ];

    expect(cases.map(([error]) => failureTypeFor(error))).toEqual(cases.map(([, type]) => type));
  });

  it('every error exits 1; verdicts exit 0 (in-sync) and 2 (drift)', () => {
    expect([EXIT_OK, EXIT_ERROR, EXIT_DRIFT]).toEqual([0, 1, 2]);
    for (const error of [new ConfigurationError('x'), new PermissionError('a', 'b', 'c'), new Error('x')])
      expect(exitCodeFor(error)).toBe(1);
    expect(exitCodeForVerdict('in-sync')).toBe(0);
    expect(exitCodeForVerdict('drift')).toBe(2);
  });

  it('an error is described by its message; a configuration error adds one line per diagnostic', () => {
    const location = { file: 'a.yaml', line: 2, col: 3 };
    const error = new ConfigurationError('a.yaml is not valid (2 errors)', [
      {
        severity: 'error',
        code: 'unknown-key',
        message: 'unknown key `x`',
        hint: 'allowed keys: a',
        location,
      },
      { severity: 'error', code: 'too-small', message: 'policies: must list at least one policy', location },
    ]);

    expect(describeError(error)).toBe(
      [
        'a.yaml is not valid (2 errors)',
        'a.yaml:2:3: error: unknown key `x`; allowed keys: a',
        'a.yaml:2:3: error: policies: must list at least one policy',
      ].join('\n'),
    );
    expect(describeError(new ConfigurationError('no diagnostics'))).toBe('no diagnostics');
    expect(describeError(new PermissionError('ListRoots', 'organizations:ListRoots', 'denied'))).toBe(
      'denied',
    );
    expect(describeError('a string')).toBe('a string');
    expect(describeError(undefined)).toBe('undefined');
  });

  it('each error names its class, as a stack trace and a log line show it', () => {
    const errors = [
      new ConfigurationError('x'),
      new SnapshotError('x'),
      new PermissionError('a', 'b', 'x'),
      new UnsupportedOperationError('ListRoots', 'x'),
      new ServiceUnavailableError('x'),
      new DeadlineError('x'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'ConfigurationError',
      'SnapshotError',
      'PermissionError',
      'UnsupportedOperationError',
      'ServiceUnavailableError',
      'DeadlineError',
    ]);
    expect(failureTypeFor(new UnsupportedOperationError('ListRoots', 'x'))).toBe('ConfigurationError');
  });
});
