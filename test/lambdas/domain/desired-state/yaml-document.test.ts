/**
 * Reading the YAML of a desired state (lambdas/domain/desired-state/yaml-document.ts): what the parser
 * says, in one line each; keys as the built object spells them; and the limits on depth and entries at
 * their exact boundaries, through aliases of mappings too (limits.test.ts has the hostile inputs).
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { formatDiagnostic } from '../../../../lambdas/domain/diagnostics.ts';

const diagnose = (text: string) =>
  loadDesiredState(text, { file: 'a.yaml' }).diagnostics.map(formatDiagnostic);
const codes = (text: string) => loadDesiredState(text, { file: 'a.yaml' }).diagnostics.map((d) => d.code);
const ALLOWED = 'allowed keys: version, mode, unmanaged, policies, expect, bedrock';

describe('what the YAML parser says', () => {
  it.each([
    [
      'a syntax error, its first line only',
      'version: 1\npolicies: [\n',
      [
        'a.yaml:3:1: error: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'a second document',
      'version: 1\n---\nversion: 1',
      [
        'a.yaml:2:1: error: YAML syntax: the file holds more than one document (a second `---`); a desired state is one',
      ],
    ],
    [
      "a duplicate key, ours and not the parser's",
      'version: 1\nversion: 1',
      [
        'a.yaml:2:1: error: duplicate key `version` (first at line 1, column 1); keys of a mapping are unique; remove one, or merge the two',
      ],
    ],
    [
      'a warning, located, beside the errors',
      'version: 1\na: !custom x',
      [
        'a.yaml:1:1: error: missing required key `policies` at the top level',
        `a.yaml:2:1: error: unknown key \`a\` at the top level; ${ALLOWED}`,
        'a.yaml:2:4: warning: Unresolved tag: !custom',
      ],
    ],
    [
      'a null key is the empty key',
      'version: 1\n~: 1',
      [
        'a.yaml:1:1: error: missing required key `policies` at the top level',
        `a.yaml:2:1: error: unknown key \`\` at the top level; ${ALLOWED}`,
      ],
    ],
    [
      'a list as a key',
      'version: 1\n? [a]\n: 1',
      ['a.yaml:2:3: error: a key must be a name, not a mapping or a list'],
    ],
  ])('%s', (_, text, diagnostics) => {
    expect(diagnose(text)).toEqual(diagnostics);
  });
});

describe('depth at its boundary (32)', () => {
  it('32 nested lists are read; 33 are too deep', () => {
    expect(codes(`${'['.repeat(32)}1${']'.repeat(32)}`)).toEqual(['invalid-type']);
    expect(codes(`${'['.repeat(33)}1${']'.repeat(33)}`)).toEqual(['too-deep']);
  });

  it('an alias 12 deep used at depth 20 is 32; at depth 21 it is too deep', () => {
    const anchored = `${'['.repeat(12)}1${']'.repeat(12)}`;
    const at = (lists: number) => `a: &deep ${anchored}\nb: ${'['.repeat(lists)}*deep${']'.repeat(lists)}\n`;
    expect(codes(at(19))).not.toContain('too-deep');
    expect(diagnose(at(20))).toEqual([
      `a.yaml:2:24: error: alias *deep nests mappings and lists more than 32 deep once expanded; a real desired state nests 5 deep and has a few thousand keys and list items at most`,
    ]);
  });

  it("a mapping's height is that of its deepest value, whatever order its values come in", () => {
    const deep = `${'['.repeat(11)}1${']'.repeat(11)}`;
    const at = (lists: number) => `a: &m {x: ${deep}, y: 1}\nb: ${'['.repeat(lists)}*m${']'.repeat(lists)}\n`;
    expect(codes(at(19))).not.toContain('too-deep');
    expect(codes(at(20))).toEqual(['too-deep']);
  });
});

describe('entries at their boundary (100,000)', () => {
  it('counts what aliases of mappings expand to, and names the alias that goes over', () => {
    // a_i is a mapping of 10 keys, each an alias of a_(i-1): 10 x (1 + a_(i-1)) entries expanded, as for lists.
    let text = 'a0: &a0 {k: 0}\n';
    for (let i = 1; i <= 6; i++)
      text += `a${i}: &a${i} {${Array.from({ length: 10 }, (_, k) => `k${k}: *a${i - 1}`).join(', ')}}\n`;
    const [line6] = text.split('\n').slice(5, 6) as [string];
    // 23,457 keys and items come before a5's mapping, each of its keys adds 21,111, so its 4th alias crosses.
    const fourth = line6.split('*a4', 4).join('*a4').length + 1;
    expect(diagnose(text)).toEqual([
      `a.yaml:6:${fourth}: error: the file holds more than 100,000 keys and list items once its aliases are expanded (this alias takes it over); a real desired state nests 5 deep and has a few thousand keys and list items at most`,
    ]);
  });
});

describe('what the file holds', () => {
  it.each([
    [
      'nothing',
      '',
      ['empty-file a.yaml:1:1: error: the file is empty; start with `version: 1` and a `policies:` list'],
    ],
    [
      'a comment only',
      '# nothing\n',
      ['empty-file a.yaml:1:1: error: the file is empty; start with `version: 1` and a `policies:` list'],
    ],
    [
      'a snapshot',
      '{"snapshotVersion": 1, "root": {}}',
      [
        'snapshot-not-desired-state a.yaml:1:1: error: this is an organization snapshot (it has `snapshotVersion`), not a desired state; pass it to plan as `--snapshot a.yaml`, and the desired state (ai-optout.yaml) as `--config`',
      ],
    ],
    ['a number', '5', ['invalid-type a.yaml:1:1: error: (top level): must be a mapping, not a number (`5`)']],
    ['null', 'null', ['invalid-type a.yaml:1:1: error: (top level): must be a mapping, not empty (`null`)']],
    [
      'a list of a snapshot',
      '[{"snapshotVersion": 1}]',
      [
        'invalid-type a.yaml:1:1: error: (top level): must be a mapping, not a list (`[{"snapshotVersion":1}]`)',
      ],
    ],
    [
      'an error of the built value, with the warnings, in order',
      'version: 1\nversion: 1\na: !custom x',
      [
        'duplicate-key a.yaml:2:1: error: duplicate key `version` (first at line 1, column 1); keys of a mapping are unique; remove one, or merge the two',
        'yaml-warning a.yaml:3:4: warning: Unresolved tag: !custom',
      ],
    ],
  ])('%s', (_, text, diagnostics) => {
    const result = loadDesiredState(text, { file: 'a.yaml' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`)).toEqual(diagnostics);
  });

  it('a second document is a YAML syntax error', () => {
    expect(codes('version: 1\n---\nversion: 1')).toEqual(['yaml-syntax']);
  });
});
