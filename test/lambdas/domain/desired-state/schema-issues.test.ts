/**
 * The schema's issues as the user reads them (lambdas/domain/desired-state/schema-issues.ts): for each
 * kind of mistake in a desired-state file, the exact diagnostic line (`file:line:col: severity: message;
 * hint`). The fixtures of loader.test.ts pin one file per rule of the loader; these are the schema's
 * own messages, one short file each. Limits are AWS's: a policy name of 1–128 printable ASCII characters
 * and a description of at most 512 [ORG-POLICY-NAME-TEXT].
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { formatDiagnostic } from '../../../../lambdas/domain/diagnostics.ts';

function diagnose(yaml: string): string[] {
  return loadDesiredState(yaml, { file: 'a.yaml' }).diagnostics.map(formatDiagnostic);
}

/** A valid file's policy, for cases about another part. */
const POLICY = 'version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets: [root]\n';
/** A file of one policy with these lines added to it. */
const policyWith = (lines: string) => `version: 1\npolicies:\n  - name: a\n${lines}`;

const cases: [string, string, string[]][] = [
  // Unknown keys: a "did you mean" where one is close, else the keys allowed there.
  [
    'an unknown key at the top level',
    `${POLICY}xyzzy: 1`,
    [
      'a.yaml:6:1: error: unknown key `xyzzy` at the top level; allowed keys: version, mode, unmanaged, policies, expect, bedrock',
    ],
  ],
  [
    'a misspelt key at the top level',
    `${POLICY}policis: []`,
    ['a.yaml:6:1: error: unknown key `policis` at the top level; did you mean `policies`?'],
  ],
  [
    'an unknown key in a policy',
    policyWith('    default: optOut\n    frobnicate: 1\n    targets: [root]'),
    [
      'a.yaml:5:5: error: unknown key `frobnicate` in policies[0]; allowed keys: name, description, default, services, lock, adopt, targets',
    ],
  ],
  [
    'a misspelt key of the second policy, alone: its missing key is not said twice',
    `${POLICY}  - nam: b\n    default: optOut\n    targets: [root]`,
    ['a.yaml:6:5: error: unknown key `nam` in policies[1]; did you mean `name`?'],
  ],
  [
    'an unknown key in a target',
    policyWith('    default: optOut\n    targets: [{ou: x, foo: 1}]'),
    ['a.yaml:5:23: error: unknown key `foo` in policies[0].targets[0]; allowed keys: ou, account'],
  ],
  [
    'an unknown key in expect',
    `${POLICY}expect:\n  optOut: all\n  zzz: 1`,
    ['a.yaml:8:3: error: unknown key `zzz` in expect; allowed keys: optOut, except'],
  ],
  [
    'a misspelt key in expect: no missing optOut beside it',
    `${POLICY}expect:\n  optOt: all`,
    ['a.yaml:7:3: error: unknown key `optOt` in expect; did you mean `optOut`?'],
  ],
  [
    'an unknown key in an exception',
    `${POLICY}expect:\n  optOut: all\n  except:\n    - ou: Sandbox\n      zzz: [lex]`,
    [
      'a.yaml:9:7: error: missing required key `services` in expect.except[0]',
      'a.yaml:10:7: error: unknown key `zzz` in expect.except[0]; allowed keys: ou, account, root, services',
    ],
  ],
  [
    'a misspelt key in an exception',
    `${POLICY}expect:\n  optOut: all\n  except:\n    - ou: Sandbox\n      servics: [lex]`,
    ['a.yaml:10:7: error: unknown key `servics` in expect.except[0]; did you mean `services`?'],
  ],

  // Values outside an enum: the values allowed, and the close one.
  [
    'a value in the wrong case',
    `${POLICY}mode: Audit`,
    [
      'a.yaml:6:7: error: mode: `Audit` is not allowed; expected `audit` or `enforce` (values are case-sensitive); did you mean `audit`?',
    ],
  ],
  [
    'a value close to one',
    `${POLICY}unmanaged: detach2`,
    [
      'a.yaml:6:12: error: unmanaged: `detach2` is not allowed; expected `report` or `detach` or `ignore` (values are case-sensitive); did you mean `detach`?',
    ],
  ],
  [
    'a number for an enum',
    policyWith('    default: 5\n    targets: [root]'),
    [
      'a.yaml:4:14: error: policies[0].default: `5` is not allowed; expected `optOut` or `optIn` (values are case-sensitive)',
    ],
  ],
  [
    'a list for an enum',
    policyWith('    default: optOut\n    lock: [all]\n    targets: [root]'),
    [
      'a.yaml:5:11: error: policies[0].lock: `["all"]` is not allowed; expected `all` or `declared` or `none` (values are case-sensitive)',
    ],
  ],

  // The version.
  [
    'no version',
    'policies: []',
    [
      'a.yaml:1:1: error: version: missing; this tool reads version 1; write `version: 1` as the first line',
      'a.yaml:1:11: error: policies: must list at least one policy',
    ],
  ],
  [
    'a quoted version',
    `${POLICY.replace('version: 1', 'version: "1"')}`,
    [
      'a.yaml:1:10: error: version: "1" is a string; this tool reads version 1, the integer; write `version: 1` without quotes',
    ],
  ],
  [
    'another version, as written',
    `${POLICY.replace('version: 1', 'version: 1.50')}`,
    [
      'a.yaml:1:10: error: version: unsupported version `1.50`; this tool reads version 1; write `version: 1`',
    ],
  ],

  // Types: YAML's words for what was written and what is wanted.
  [
    'a mapping for a list',
    'version: 1\npolicies: {}',
    ['a.yaml:2:11: error: policies: must be a list, not a mapping (`{}`)'],
  ],
  [
    'a list for a mapping',
    `${POLICY}expect: [a]`,
    ['a.yaml:6:9: error: expect: must be a mapping, not a list (`["a"]`)'],
  ],
  [
    'a list for a record',
    policyWith('    services: [lex]\n    targets: [root]'),
    ['a.yaml:4:15: error: policies[0].services: must be a mapping, not a list (`["lex"]`)'],
  ],
  [
    'a number for a list',
    `${POLICY}expect:\n  optOut: all\n  except: 5`,
    ['a.yaml:8:11: error: expect.except: must be a list, not a number (`5`)'],
  ],
  [
    'a number for a string',
    'version: 1\npolicies:\n  - name: 5\n    default: optOut\n    targets: [root]',
    ['a.yaml:3:11: error: policies[0].name: must be a string, not a number (`5`)'],
  ],
  [
    'nothing for a string',
    policyWith('    description:\n    default: optOut\n    targets: [root]'),
    ['a.yaml:4:17: error: policies[0].description: must be a string, not empty (`null`)'],
  ],
  [
    'a string for a boolean',
    policyWith('    default: optOut\n    adopt: "yes"\n    targets: [root]'),
    ['a.yaml:5:12: error: policies[0].adopt: must be a boolean, not a string (`yes`)'],
  ],
  [
    'a number for a policy',
    'version: 1\npolicies:\n  - 5',
    ['a.yaml:3:5: error: policies[0]: must be a mapping, not a number (`5`)'],
  ],
  ['a list for the file', '- 1', ['a.yaml:1:1: error: (top level): must be a mapping, not a list (`[1]`)']],
  [
    'an unquoted account id',
    policyWith('    default: optOut\n    targets: [{account: 111122223333}]'),
    [
      'a.yaml:5:25: error: policies[0].targets[0].account: account ids must be quoted strings (YAML reads 111122223333 as a number); write `account: "111122223333"`',
    ],
  ],
  [
    'a boolean for an account id in an exception',
    `${POLICY}expect:\n  optOut: all\n  except:\n    - account: true\n      services: [lex]`,
    ['a.yaml:9:16: error: expect.except[0].account: must be a string, not a boolean (`true`)'],
  ],
  [
    'an unquoted account id in an exception',
    `${POLICY}expect:\n  optOut: all\n  except:\n    - account: 111122223333\n      services: [lex]`,
    [
      'a.yaml:9:16: error: expect.except[0].account: account ids must be quoted strings (YAML reads 111122223333 as a number); write `account: "111122223333"`',
    ],
  ],
  [
    'a missing key',
    'version: 1\npolicies:\n  - default: optOut\n    targets: [root]',
    ['a.yaml:3:5: error: missing required key `name` in policies[0]'],
  ],
  [
    'a missing key at the top level',
    `version: 1\nmode: audit`,
    ['a.yaml:1:1: error: missing required key `policies` at the top level'],
  ],

  // Empty lists and strings: the list's noun.
  ['no policy', 'version: 1\npolicies: []', ['a.yaml:2:11: error: policies: must list at least one policy']],
  [
    'no target',
    policyWith('    default: optOut\n    targets: []'),
    ['a.yaml:5:14: error: policies[0].targets: must list at least one target'],
  ],
  [
    'no service to expect',
    `${POLICY}expect:\n  optOut: []`,
    ['a.yaml:7:11: error: expect.optOut: must list at least one service'],
  ],
  [
    'no service in an exception',
    `${POLICY}expect:\n  optOut: all\n  except:\n    - ou: Sandbox\n      services: []`,
    ['a.yaml:10:17: error: expect.except[0].services: must list at least one service'],
  ],
  [
    'an empty name',
    "version: 1\npolicies:\n  - name: ''\n    default: optOut\n    targets: [root]",
    ['a.yaml:3:11: error: policies[0].name: must not be empty'],
  ],
  [
    'an empty OU',
    policyWith("    default: optOut\n    targets: [{ou: ''}]"),
    ['a.yaml:5:20: error: policies[0].targets[0].ou: must not be empty'],
  ],

  // AWS's limits on text [ORG-POLICY-NAME-TEXT].
  [
    'a name of 129 characters',
    `version: 1\npolicies:\n  - name: ${'n'.repeat(129)}\n    default: optOut\n    targets: [root]`,
    ['a.yaml:3:11: error: policies[0].name: 129 characters, more than the 128 AWS allows'],
  ],
  [
    'a description of 513 characters',
    policyWith(`    description: ${'d'.repeat(513)}\n    default: optOut\n    targets: [root]`),
    ['a.yaml:4:18: error: policies[0].description: 513 characters, more than the 512 AWS allows'],
  ],
  [
    'a name that is not ASCII',
    'version: 1\npolicies:\n  - name: café\n    default: optOut\n    targets: [root]',
    [
      'a.yaml:3:14: error: policies[0].name: `café` has U+00E9 (é) at position 4; AWS accepts policy names of printable ASCII characters only (space to `~`); write the name in ASCII letters, digits and punctuation; the description may hold any text',
    ],
  ],
  [
    'a description with half a surrogate pair',
    policyWith('    description: "ab\\ud800c"\n    default: optOut\n    targets: [root]'),
    [
      'a.yaml:4:18: error: policies[0].description: has U+D800 at position 3, half of a surrogate pair, which is not text AWS can store; remove the `\\u` escape, or write the character itself',
    ],
  ],

  // Unions: targets, and `expect.optOut`.
  [
    'a target in the wrong case',
    policyWith('    default: optOut\n    targets: [Root]'),
    ['a.yaml:5:15: error: policies[0].targets[0]: `Root` is not a target; did you mean `root`?'],
  ],
  [
    'an optOut of neither form',
    `${POLICY}expect:\n  optOut: {a: 1}`,
    ['a.yaml:7:11: error: expect.optOut: `{"a":1}` is not allowed; expected `all` or a list of service keys'],
  ],
  [
    'no optOut in expect',
    `${POLICY}expect:\n  except: []`,
    ['a.yaml:7:3: error: missing required key `optOut` in expect'],
  ],
];

describe('schema issues as diagnostics', () => {
  it.each(cases)('%s', (_, yaml, diagnostics) => {
    expect(diagnose(yaml)).toEqual(diagnostics);
  });
});

describe('schema issues: the codes scripts read', () => {
  it.each([
    ['missing-key', 'policies: []'],
    ['unknown-key', `${POLICY}xyzzy: 1`],
    ['invalid-value', `${POLICY}mode: Audit`],
    ['unsupported-version', POLICY.replace('version: 1', 'version: 2')],
    ['invalid-type', 'version: 1\npolicies: {}'],
    ['too-small', 'version: 1\npolicies: []'],
    [
      'too-long',
      `version: 1\npolicies:\n  - name: ${'n'.repeat(129)}\n    default: optOut\n    targets: [root]`,
    ],
    [
      'invalid-policy-name',
      'version: 1\npolicies:\n  - name: café\n    default: optOut\n    targets: [root]',
    ],
    [
      'invalid-description',
      policyWith('    description: "ab\\ud800c"\n    default: optOut\n    targets: [root]'),
    ],
    ['invalid-value', `${POLICY}expect:\n  optOut: {a: 1}`],
    [
      'unquoted-account-id',
      `${POLICY}expect:\n  optOut: all\n  except:\n    - account: 111122223333\n      services: [lex]`,
    ],
  ])('%s', (code, yaml) => {
    expect(loadDesiredState(yaml, { file: 'a.yaml' }).diagnostics[0]?.code).toBe(code);
  });
});

describe('checks of a policy, located at its name wherever the name is written', () => {
  it.each([
    [
      'a policy that sets nothing',
      'version: 1\npolicies:\n  - lock: all\n    name: a\n    targets: [root]',
      [
        'a.yaml:4:5: error: policies[0] (a): sets neither `default` nor any entry in `services`; add `default: optOut` or at least one service',
      ],
    ],
    [
      'a name used twice',
      'version: 1\npolicies:\n  - default: optOut\n    name: a\n    targets: [root]\n  - default: optOut\n    name: a\n    targets: [{ou: x}]',
      [
        'a.yaml:7:11: error: policies[1].name: duplicate policy name `a` (first declared at line 4); policy names are unique in an organization; rename one',
      ],
    ],
    [
      'a description that starts with half a surrogate pair',
      policyWith('    description: "\\ud800x"\n    default: optOut\n    targets: [root]'),
      [
        'a.yaml:4:18: error: policies[0].description: has U+D800 at position 1, half of a surrogate pair, which is not text AWS can store; remove the `\\u` escape, or write the character itself',
      ],
    ],
  ])('%s', (_, yaml, diagnostics) => {
    expect(diagnose(yaml)).toEqual(diagnostics);
  });
});
