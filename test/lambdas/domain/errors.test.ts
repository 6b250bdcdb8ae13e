/** The one mapping of errors onto CodePipeline failure types and CLI exit codes. */
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DeadlineError,
  EXIT_DRIFT,
  EXIT_ERROR,
  EXIT_OK,
  exitCodeFor,
  exitCodeForVerdict,
  failureTypeFor,
  PermissionError,
  ServiceUnavailableError,
  SnapshotError,
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
});
