/**
 * The desired-state loader: every fixture folder under test/fixtures/desired-state/ pins the exact
 * diagnostics (severity, code, line, col, message and hint text) for one kind of mistake, and the unit
 * tests below pin the parsed result of valid files (defaults, rendered documents, targets, `expect`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type LoadResult, loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import type { Diagnostic } from '../../../../lambdas/domain/diagnostics.ts';
import { EXAMPLE_YAML } from '../../../support/example-desired-state.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = 'test/fixtures/desired-state';

interface ExpectedDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  line: number;
  col: number;
  messageIncludes: string;
  hintIncludes?: string;
}

interface ExpectedOutcome {
  valid: boolean;
  diagnostics: ExpectedDiagnostic[];
}

interface Expected extends ExpectedOutcome {
  strict?: ExpectedOutcome;
}

function fixtureNames(): string[] {
  return readdirSync(join(repoRoot, FIXTURES), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** A fixture's bytes, as the CLI and the pipeline read them (size and UTF-8 checked by the loader). */
function readFixture(name: string): { file: string; text: Uint8Array; expected: Expected } {
  const file = `${FIXTURES}/${name}/ai-optout.yaml`;
  const text = new Uint8Array(readFileSync(join(repoRoot, file)));
  const expected = JSON.parse(
    readFileSync(join(repoRoot, FIXTURES, name, 'expected.json'), 'utf8'),
  ) as Expected;
  return { file, text, expected };
}

/** Asserts a load result against one expected outcome: same count, same order, exact positions. */
function assertOutcome(result: LoadResult, outcome: ExpectedOutcome, file: string): void {
  expect(result.ok).toBe(outcome.valid);
  const actual = result.diagnostics.map((d) => ({
    severity: d.severity,
    code: d.code,
    line: d.location.line,
    col: d.location.col,
  }));
  const wanted = outcome.diagnostics.map((d) => ({
    severity: d.severity,
    code: d.code,
    line: d.line,
    col: d.col,
  }));
  expect(actual).toEqual(wanted);
  outcome.diagnostics.forEach((want, i) => {
    const got = result.diagnostics[i] as Diagnostic;
    expect(got.location.file).toBe(file);
    expect(got.message).toContain(want.messageIncludes);
    if (want.hintIncludes !== undefined) expect(got.hint ?? '').toContain(want.hintIncludes);
  });
}

function loadOk(text: string, file = 'ai-optout.yaml'): DesiredState {
  const result = loadDesiredState(text, { file });
  if (!result.ok) {
    throw new Error(`expected a valid file, got:\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  }
  return result.state;
}

function codesAndPositions(result: LoadResult): string[] {
  return result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.location.line}:${d.location.col}`);
}

describe('desired-state fixtures', () => {
  const names = fixtureNames();

  it('finds the fixture folders, each with a config and its expected diagnostics', () => {
    // Prepare
    const required = [
      'default-under-services',
      'document-too-long',
      'duplicate-policy-names',
      'duplicate-target',
      'missing-targets',
      'policy-without-settings',
      'root-capitalised',
      'too-many-policies-on-target',
      'unknown-key',
      'unknown-service-key',
      'unquoted-account-id',
      'unsupported-version',
      'uppercase-service-key',
      'wrong-case-value',
      'yaml-syntax-error',
      'duplicate-key',
      'invalid-policy-name',
      'invalid-utf8',
      'nested-too-deep',
      'alias-expansion',
      'anchor-used-150-times',
    ];

    // Act
    const incomplete = names.filter(
      (name) =>
        !existsSync(join(repoRoot, FIXTURES, name, 'ai-optout.yaml')) ||
        !existsSync(join(repoRoot, FIXTURES, name, 'expected.json')),
    );

    // Assess
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(expect.arrayContaining(required));
    expect(incomplete).toEqual([]);
  });

  for (const name of names) {
    it(`${name}: reports exactly the expected diagnostics`, () => {
      // Prepare
      const { file, text, expected } = readFixture(name);
      // An invalid case names its diagnostics; a valid one (anchor-used-150-times) may have none.
      expect(expected.valid || expected.diagnostics.length > 0).toBe(true);

      // Act
      const result = loadDesiredState(text, { file, strict: false });

      // Assess
      assertOutcome(result, expected, file);
    });

    const strictOutcome = readFixture(name).expected.strict;
    if (strictOutcome) {
      it(`${name}: under --strict, reports exactly the expected diagnostics`, () => {
        // Prepare
        const { file, text } = readFixture(name);

        // Act
        const result = loadDesiredState(text, { file, strict: true });

        // Assess
        assertOutcome(result, strictOutcome, file);
      });
    }
  }

  it('the strict variant of the unknown service key turns the warning into an error', () => {
    // Prepare
    const { file, text, expected } = readFixture('unknown-service-key');

    // Act
    const lenient = loadDesiredState(text, { file });
    const strict = loadDesiredState(text, { file, strict: true });

    // Assess
    expect(expected.valid).toBe(true);
    expect(expected.strict?.valid).toBe(false);
    expect(lenient.ok).toBe(true);
    expect(lenient.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(strict.ok).toBe(false);
    expect(strict.diagnostics.map((d) => d.severity)).toEqual(['error']);
  });
});

// Canonical documents computed by hand from docs/configuration.md ("Locks"): `default` first, then service keys
// sorted; `lock: all` puts ["@@none"] under `services`, every entry and every `opt_out_policy`;
// `lock: declared` under every entry and its `opt_out_policy` only; `lock: none` nowhere.
const NONE = '"@@operators_allowed_for_child_policies":["@@none"]';
const BASELINE_DECLARED = `{"services":{"default":{${NONE},"opt_out_policy":{${NONE},"@@assign":"optOut"}}}}`;
const PRODUCTION_ALL = `{"services":{${NONE},"default":{${NONE},"opt_out_policy":{${NONE},"@@assign":"optOut"}}}}`;
const SANDBOX_NONE =
  '{"services":{"lex":{"opt_out_policy":{"@@assign":"optIn"}},"rekognition":{"opt_out_policy":{"@@assign":"optIn"}}}}';

describe('the example config/ai-optout.yaml', () => {
  it('is valid, with no diagnostics, and declares its three policies', () => {
    // Prepare
    const text = EXAMPLE_YAML;

    // Act
    const result = loadDesiredState(text, { file: 'config/ai-optout.yaml' });

    // Assess
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([]);
    if (!result.ok) return;
    expect(result.state.version).toBe(1);
    expect(result.state.mode).toBe('audit');
    expect(result.state.unmanaged).toBe('report');
    expect(result.state.file).toBe('config/ai-optout.yaml');
    expect(result.state.policies.map((p) => [p.name, p.lock])).toEqual([
      ['ai-optout-baseline', 'declared'],
      ['ai-optout-production', 'all'],
      ['ai-optout-sandbox-exception', 'none'],
    ]);
  });

  it('renders each policy to the exact canonical document', () => {
    // Prepare
    const text = EXAMPLE_YAML;

    // Act
    const state = loadOk(text, 'config/ai-optout.yaml');
    const [baseline, production, sandbox] = state.policies;

    // Assess
    expect(baseline?.content).toBe(BASELINE_DECLARED);
    expect(BASELINE_DECLARED).toBe(
      '{"services":{"default":{"@@operators_allowed_for_child_policies":["@@none"],"opt_out_policy":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"optOut"}}}}',
    );
    expect(production?.content).toBe(PRODUCTION_ALL);
    expect(sandbox?.content).toBe(SANDBOX_NONE);
  });

  it('keeps descriptions, settings, targets with their locations, and the expect block', () => {
    // Prepare
    const text = EXAMPLE_YAML;

    // Act
    const state = loadOk(text, 'config/ai-optout.yaml');
    const [baseline, production, sandbox] = state.policies;

    // Assess
    expect(baseline?.description).toBe('Opt every account out of AI services data use');
    expect(baseline?.default).toBe('optOut');
    expect(baseline?.services).toEqual({});
    expect(baseline?.adopt).toBe(false);
    expect(baseline?.targets).toEqual([
      { ref: { kind: 'root' }, location: { file: 'config/ai-optout.yaml', line: 18, col: 9 } },
    ]);
    expect(production?.description).toBe('Production is fully locked: no AI service may use its data');
    expect(production?.targets).toEqual([
      {
        ref: { kind: 'ou', ref: 'Workloads/Prod' },
        location: { file: 'config/ai-optout.yaml', line: 27, col: 9 },
      },
    ]);
    expect(sandbox?.default).toBeUndefined();
    expect(sandbox?.services).toEqual({ lex: 'optIn', rekognition: 'optIn' });
    expect(sandbox?.targets.map((t) => t.ref)).toEqual([{ kind: 'ou', ref: 'Sandbox' }]);
    expect(state.expect?.optOut).toBe('all');
    expect(state.expect?.except).toEqual([
      {
        target: {
          ref: { kind: 'ou', ref: 'Sandbox' },
          location: { file: 'config/ai-optout.yaml', line: 43, col: 7 },
        },
        services: ['lex', 'rekognition'],
      },
    ]);
  });
});

describe('defaults', () => {
  it('fills in mode, unmanaged, lock, adopt and the description', () => {
    // Prepare
    const text = [
      'version: 1',
      'policies:',
      '  - name: minimal',
      '    default: optOut',
      '    targets: [root]',
      '',
    ].join('\n');

    // Act
    const state = loadOk(text);

    // Assess
    expect(state.mode).toBe('audit');
    expect(state.unmanaged).toBe('report');
    expect(state.expect).toBeUndefined();
    expect(state.policies).toHaveLength(1);
    const [policy] = state.policies;
    expect(policy?.lock).toBe('all');
    expect(policy?.adopt).toBe(false);
    expect(policy?.description).toBe('AI services opt-out policy managed by ai-optout');
    expect(policy?.services).toEqual({});
    expect(policy?.content).toBe(PRODUCTION_ALL);
  });

  it('keeps explicit values instead of the defaults', () => {
    // Prepare
    const text = [
      'version: 1',
      'mode: enforce',
      'unmanaged: detach',
      'policies:',
      '  - name: adopted',
      '    description: Adopted from the manual guide',
      '    default: optIn',
      '    lock: none',
      '    adopt: true',
      '    targets: [root]',
      '',
    ].join('\n');

    // Act
    const state = loadOk(text);

    // Assess
    expect(state.mode).toBe('enforce');
    expect(state.unmanaged).toBe('detach');
    expect(state.policies[0]?.lock).toBe('none');
    expect(state.policies[0]?.adopt).toBe(true);
    expect(state.policies[0]?.description).toBe('Adopted from the manual guide');
    expect(state.policies[0]?.content).toBe(
      '{"services":{"default":{"opt_out_policy":{"@@assign":"optIn"}}}}',
    );
  });

  it('renders `default` first and the other service keys sorted, whatever the file order', () => {
    // Prepare
    const text = [
      'version: 1',
      'policies:',
      '  - name: ordered',
      '    services:',
      '      translate: optOut',
      '      comprehend: optIn',
      '    default: optOut',
      '    lock: none',
      '    targets: [root]',
      '',
    ].join('\n');

    // Act
    const state = loadOk(text);

    // Assess
    expect(state.policies[0]?.content).toBe(
      '{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}},' +
        '"comprehend":{"opt_out_policy":{"@@assign":"optIn"}},' +
        '"translate":{"opt_out_policy":{"@@assign":"optOut"}}}}',
    );
  });
});

describe('targets spelled two ways', () => {
  it('counts `ou: Root/Sandbox` and `ou: Sandbox` as the same target within one policy', () => {
    // Prepare
    const text = [
      'version: 1',
      'policies:',
      '  - name: sandbox',
      '    default: optOut',
      '    targets:',
      '      - ou: Root/Sandbox',
      '      - ou: Sandbox',
      '',
    ].join('\n');

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(false);
    expect(codesAndPositions(result)).toEqual(['error duplicate-target 7:9']);
    expect(result.diagnostics[0]?.message).toBe(
      'policies[0].targets[1]: duplicate target (same as targets[0]) in policy `sandbox`',
    );
  });

  it('counts both spellings towards the limit of 5 policies on one target', () => {
    // Prepare
    const lines = ['version: 1', 'policies:'];
    for (let i = 1; i <= 6; i++) {
      lines.push(
        `  - name: p${i}`,
        '    default: optOut',
        `    targets: [{ ou: ${i % 2 ? 'Sandbox' : 'Root/Sandbox'} }]`,
      );
    }
    const text = `${lines.join('\n')}\n`;

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(false);
    expect(codesAndPositions(result)).toEqual(['error too-many-policies-on-target 20:15']);
    expect(result.diagnostics[0]?.message).toContain(
      '6 policies target ou: Sandbox (p1, p2, p3, p4, p5, p6)',
    );
  });

  it('allows exactly 5 policies on one target', () => {
    // Prepare
    const lines = ['version: 1', 'policies:'];
    for (let i = 1; i <= 5; i++) {
      lines.push(
        `  - name: p${i}`,
        '    default: optOut',
        `    targets: [{ ou: ${i % 2 ? 'Sandbox' : 'Root/Sandbox'} }]`,
      );
    }
    const text = `${lines.join('\n')}\n`;

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([]);
  });

  it('does not confuse an OU with a nested OU of the same name', () => {
    // Prepare
    const text = [
      'version: 1',
      'policies:',
      '  - name: sandbox',
      '    default: optOut',
      '    targets:',
      '      - ou: Sandbox',
      '      - ou: Workloads/Sandbox',
      '',
    ].join('\n');

    // Act
    const state = loadOk(text);

    // Assess
    expect(state.policies[0]?.targets.map((t) => t.ref)).toEqual([
      { kind: 'ou', ref: 'Sandbox' },
      { kind: 'ou', ref: 'Workloads/Sandbox' },
    ]);
  });
});

describe('expect.except', () => {
  function withExceptions(except: string[]): string {
    return [
      'version: 1',
      'policies:',
      '  - name: baseline',
      '    default: optOut',
      '    targets: [root]',
      'expect:',
      '  optOut: all',
      '  except:',
      ...except,
      '',
    ].join('\n');
  }

  it('accepts exactly one of root, ou or account per exception', () => {
    // Prepare
    const text = withExceptions([
      '    - root: true',
      '      services: [lex]',
      '    - ou: Root/Sandbox',
      '      services: [rekognition, comprehend]',
      '    - account: "111122223333"',
      '      services: [polly]',
    ]);

    // Act
    const state = loadOk(text, 'f.yaml');

    // Assess
    expect(state.expect?.except.map((e) => [e.target.ref, e.services])).toEqual([
      [{ kind: 'root' }, ['lex']],
      [{ kind: 'ou', ref: 'Root/Sandbox' }, ['rekognition', 'comprehend']],
      [{ kind: 'account', ref: '111122223333' }, ['polly']],
    ]);
    expect(state.expect?.except.map((e) => e.target.location.line)).toEqual([9, 11, 13]);
  });

  it('rejects an exception that names no target', () => {
    // Prepare
    const text = withExceptions(['    - services: [lex]']);

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(false);
    expect(codesAndPositions(result)).toEqual(['error invalid-exception 9:7']);
    expect(result.diagnostics[0]?.message).toBe(
      'expect.except[0]: an exception names exactly one of `root: true`, `ou:` or `account:`',
    );
  });

  it('rejects exceptions that name two or three targets, naming them', () => {
    // Prepare
    const text = withExceptions([
      '    - ou: Sandbox',
      '      account: "111122223333"',
      '      services: [lex]',
      '    - root: true',
      '      ou: Sandbox',
      '      account: "111122223333"',
      '      services: [lex]',
    ]);

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(false);
    expect(codesAndPositions(result)).toEqual([
      'error invalid-exception 9:7',
      'error invalid-exception 12:7',
    ]);
    expect(result.diagnostics[0]?.message).toContain('this one has ou and account');
    expect(result.diagnostics[1]?.message).toContain('this one has root and ou and account');
  });

  it('rejects `root: false`, since `root` can only be `true`', () => {
    // Prepare
    const text = withExceptions(['    - root: false', '      services: [lex]']);

    // Act
    const result = loadDesiredState(text, { file: 'f.yaml' });

    // Assess
    expect(result.ok).toBe(false);
    expect(codesAndPositions(result)).toEqual(['error invalid-value 9:13']);
  });
});
