/**
 * The targets of a declared policy (lambdas/domain/desired-state/target-checks.ts): what the user is
 * told about a target the schema refused, for the form it was written in; account ids of 12 digits
 * [ORG-ID-FORMATS]; and which two spellings are the same target.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { formatDiagnostic } from '../../../../lambdas/domain/diagnostics.ts';

/** Loads one policy with these lines under `targets:`: the diagnostics, or the targets' references. */
function load(targets: string): string[] | unknown[] {
  const yaml = `version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets:\n${targets}`;
  const result = loadDesiredState(yaml, { file: 'a.yaml' });
  return result.ok
    ? (result.state.policies[0]?.targets.map((t) => t.ref) ?? [])
    : result.diagnostics.map(formatDiagnostic);
}

const FORMS = 'a target is `root`, `ou: <path or id>` or `account: <id or name>`';

describe('a target the schema refused', () => {
  it.each([
    ['a number', '      - 5', [`a.yaml:6:9: error: policies[0].targets[0]: \`5\` is not a target; ${FORMS}`]],
    [
      'an account id unquoted',
      '      - 111122223333',
      [
        `a.yaml:6:9: error: policies[0].targets[0]: \`111122223333\` is not a target; ${FORMS}; write \`account: "111122223333"\``,
      ],
    ],
    [
      'an account id with a leading zero, as typed',
      '      - 011122223333',
      [
        `a.yaml:6:9: error: policies[0].targets[0]: \`11122223333\` is not a target; ${FORMS}; write \`account: "011122223333"\``,
      ],
    ],
    [
      'a list',
      '      - [a]',
      [`a.yaml:6:9: error: policies[0].targets[0]: \`["a"]\` is not a target; ${FORMS}`],
    ],
    [
      'a list of one account id: no hint, only a number is written unquoted',
      '      - [111122223333]',
      [`a.yaml:6:9: error: policies[0].targets[0]: \`[111122223333]\` is not a target; ${FORMS}`],
    ],
    ['nothing', '      -', [`a.yaml:6:8: error: policies[0].targets[0]: \`null\` is not a target; ${FORMS}`]],
    [
      'a bare name',
      '      - Sandbox',
      [
        `a.yaml:6:9: error: policies[0].targets[0]: \`Sandbox\` is not a target; ${FORMS}; write \`ou: Sandbox\` or \`account: Sandbox\``,
      ],
    ],
    [
      'a bare account id',
      "      - '111122223333'",
      [
        `a.yaml:6:9: error: policies[0].targets[0]: \`111122223333\` is not a target; ${FORMS}; write \`account: "111122223333"\``,
      ],
    ],
    [
      'root in capitals',
      '      - ROOT',
      ['a.yaml:6:9: error: policies[0].targets[0]: `ROOT` is not a target; did you mean `root`?'],
    ],
    [
      'both keys',
      '      - {ou: x, account: y}',
      [
        'a.yaml:6:9: error: policies[0].targets[0]: a target names exactly one of `ou` or `account`, this one has ou and account',
      ],
    ],
    [
      'no key',
      '      - {}',
      [
        'a.yaml:6:9: error: policies[0].targets[0]: a target names exactly one of `ou` or `account`, this one has none',
      ],
    ],
    [
      'a number for an OU',
      '      - {ou: 5}',
      ['a.yaml:6:14: error: policies[0].targets[0].ou: must be a non-empty string, not `5`'],
    ],
    [
      'an account id for an OU',
      '      - {ou: 111122223333}',
      ['a.yaml:6:14: error: policies[0].targets[0].ou: must be a non-empty string, not `111122223333`'],
    ],
    [
      'a boolean for an account',
      '      - {account: true}',
      ['a.yaml:6:19: error: policies[0].targets[0].account: must be a non-empty string, not `true`'],
    ],
    [
      'an unquoted account id that loses its leading zero',
      '      - {account: 011122223333}',
      [
        'a.yaml:6:19: error: policies[0].targets[0].account: account ids must be quoted strings (YAML reads 011122223333 as a number and drops its leading zero); write `account: "011122223333"`',
      ],
    ],
    [
      'an account id of 5 digits',
      "      - {account: '12345'}",
      ['a.yaml:6:19: error: policies[0].targets[0].account: `12345` has 5 digits; account ids have 12'],
    ],
    [
      'an account id of 13 digits',
      "      - {account: '1234567890123'}",
      [
        'a.yaml:6:19: error: policies[0].targets[0].account: `1234567890123` has 13 digits; account ids have 12',
      ],
    ],
  ])('%s', (_, targets, diagnostics) => {
    expect(load(targets)).toEqual(diagnostics);
  });
});

describe('targets that load', () => {
  it('trims spaces around an OU and an account; a name that is not all digits is an account name', () => {
    expect(
      load(
        "      - {ou: ' Sandbox '}\n      - {account: ' 111122223333 '}\n      - {account: '12ab'}\n      - {account: dev-1}",
      ),
    ).toEqual([
      { kind: 'ou', ref: 'Sandbox' },
      { kind: 'account', ref: '111122223333' },
      { kind: 'account', ref: '12ab' },
      { kind: 'account', ref: 'dev-1' },
    ]);
  });

  it('an account and an OU of one name, and two accounts, are different targets', () => {
    expect(load('      - account: x\n      - ou: x\n      - account: y')).toEqual([
      { kind: 'account', ref: 'x' },
      { kind: 'ou', ref: 'x' },
      { kind: 'account', ref: 'y' },
    ]);
    expect(load('      - ou: Workloads/Root/Prod\n      - ou: Workloads/Prod')).toHaveLength(2);
  });

  it('an OU path with or without `Root/` and its slashes is the same target', () => {
    expect(
      load(
        '      - ou: Root/Sandbox\n      - ou: /Sandbox/\n      - ou: //Sandbox\n      - ou: Sandbox//\n      - ou: Sandbox',
      ),
    ).toEqual(
      [1, 2, 3, 4].map(
        (i) =>
          `a.yaml:${6 + i}:9: error: policies[0].targets[${i}]: duplicate target (same as targets[0]) in policy \`a\``,
      ),
    );
  });
});

describe('a target the schema refused: codes and keys', () => {
  const codes = (targets: string) =>
    loadDesiredState(`version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets:\n${targets}`, {
      file: 'a.yaml',
    }).diagnostics.map((d) => d.code);

  it('a misspelt key of a target is an unknown key, with the key it is close to', () => {
    expect(load('      - {ouu: x}')).toEqual([
      `a.yaml:6:10: error: policies[0].targets[0]: unknown key \`ouu\` in a target; ${FORMS}; did you mean \`ou\`?`,
    ]);
    expect(codes('      - {ouu: x}')).toEqual(['unknown-key']);
  });

  it.each([
    ['invalid-target', '      - 5'],
    ['invalid-target', '      - Sandbox'],
    ['invalid-target', '      - {}'],
    ['invalid-target', '      - {ou: 5}'],
    ['invalid-account-id', "      - {account: '12345'}"],
  ])('%s: %s', (code, targets) => {
    expect(codes(targets)).toEqual([code]);
  });
});
