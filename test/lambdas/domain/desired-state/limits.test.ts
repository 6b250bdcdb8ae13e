/**
 * The desired state's limits (lambdas/domain/desired-state/limits.ts) and the YAML reading that keeps
 * every input cheap: size, UTF-8, depth, entries and alias expansion, duplicate keys, and echoed values
 * cut short. Each test asserts the diagnostic's code, its exact position and its wording; none times
 * anything (bench/hostile.ts measures).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DESIRED_STATE_LIMITS } from '../../../../lambdas/domain/desired-state/limits.ts';
import { type LoadResult, loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { firstInvalidUtf8 } from '../../../../lambdas/domain/desired-state/source-text.ts';
import type { Diagnostic } from '../../../../lambdas/domain/diagnostics.ts';
import { echo } from '../../../../lambdas/domain/echo.ts';
import {
  anchorUsedTimes,
  longDescription,
  mappingOfKeys,
  nestedMappings,
} from '../../../support/hostile-inputs.ts';

const MIB = 1024 * 1024;
const load = (input: string | Uint8Array) => loadDesiredState(input, { file: 'f.yaml' });

/** The only diagnostic of a failed load. */
function only(result: LoadResult): Diagnostic {
  expect(result.ok).toBe(false);
  expect(result.diagnostics).toHaveLength(1);
  return result.diagnostics[0] as Diagnostic;
}

const at = (d: Diagnostic) => `${d.code} ${d.location.line}:${d.location.col}`;

describe('size', () => {
  it('refuses more than 1 MiB, as bytes or as text, before parsing anything', () => {
    // Prepare: one byte over; and 600,000 "é" (600,000 characters, 1.2 MB of UTF-8)
    const bytes = new Uint8Array(DESIRED_STATE_LIMITS.bytes + 1).fill(0x20);
    const text = 'é'.repeat(600_000);

    // Act
    const fromBytes = only(load(bytes));
    const fromText = only(load(text));

    // Assess
    expect(at(fromBytes)).toBe('file-too-large 1:1');
    expect(fromBytes.message).toBe(
      'the file is larger than 1,048,576 bytes (1 MiB), the most a desired state may have',
    );
    expect(at(fromText)).toBe('file-too-large 1:1');
  });

  it('reads a file of exactly 1 MiB', () => {
    // Prepare: a valid file padded with a comment to exactly the limit
    const head = 'version: 1\npolicies:\n  - name: baseline\n    default: optOut\n    targets: [root]\n# ';
    const text = `${head}${'x'.repeat(MIB - head.length - 1)}\n`;

    // Act
    const result = load(new TextEncoder().encode(text));

    // Assess
    expect(text.length).toBe(MIB);
    expect(result.ok).toBe(true);
  });

  it('3,000 nested block mappings (4.5 MB of indentation) are refused by size, with a location', () => {
    // Act
    const diagnostic = only(load(nestedMappings(3000)));

    // Assess
    expect(at(diagnostic)).toBe('file-too-large 1:1');
  });
});

describe('UTF-8', () => {
  it('names the line and column of the first byte that is not UTF-8, never replacing it', () => {
    // Prepare: "naïve" in Latin-1 (0xEF alone) on line 4, after a valid 4-byte emoji on line 3
    const bytes = Buffer.concat([
      Buffer.from('version: 1\npolicies:\n  - name: a # 😀\n    description: na'),
      Buffer.from([0xef]),
      Buffer.from('ve\n    default: optOut\n    targets: [root]\n'),
    ]);

    // Act
    const diagnostic = only(load(new Uint8Array(bytes)));

    // Assess
    expect(at(diagnostic)).toBe('invalid-utf8 4:20');
    expect(diagnostic.message).toBe('byte 0xEF is not valid UTF-8; YAML files are read as UTF-8');
  });

  it.each([
    ['an overlong NUL', [0xc0, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut at the end', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('refuses %s at its first byte', (_name, tail) => {
    // Prepare
    const bytes = Uint8Array.from([...Buffer.from('a: b'), ...tail]);

    // Act
    const diagnostic = only(load(bytes));

    // Assess
    expect(at(diagnostic)).toBe('invalid-utf8 1:5');
  });

  it('agrees with a fatal TextDecoder on any bytes: valid exactly when decodable, and valid up to the offset it names', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let decodable = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          decodable = false;
        }
        const offset = firstInvalidUtf8(bytes);
        expect(offset === -1).toBe(decodable);
        if (offset >= 0) new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, offset));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('depth', () => {
  it.each([
    ['3,000 nested flow mappings', `${'{k: '.repeat(3000)}1${'}'.repeat(3000)}\n`, 'too-deep 1:129'],
    ['3,000 nested block sequences on one line', `${'- '.repeat(3000)}x\n`, 'too-deep 1:65'],
    ['a million [ (1 MiB)', '['.repeat(MIB - 1), 'too-deep 1:33'],
  ])('%s: one located error at the 33rd level, no stack overflow', (_name, text, expected) => {
    // Act
    const diagnostic = only(load(text));

    // Assess
    expect(at(diagnostic)).toBe(expected);
    expect(diagnostic.message).toContain('mappings and lists nest more than 32 deep here');
  });

  it('counts the depth an alias adds: 12 levels aliased inside 25 are 37', () => {
    // Prepare: an anchor 12 lists deep, used at depth 25
    const anchored = `${'['.repeat(12)}1${']'.repeat(12)}`;
    const text = `a: &deep ${anchored}\nb: ${'['.repeat(24)}*deep${']'.repeat(24)}\n`;

    // Act
    const diagnostic = only(load(text));

    // Assess
    expect(at(diagnostic)).toBe('too-deep 2:28');
    expect(diagnostic.message).toContain(
      'alias *deep nests mappings and lists more than 32 deep once expanded',
    );
  });
});

describe('entries and aliases', () => {
  it('a valid file using one anchor 150 times is valid', () => {
    // Act
    const result = load(anchorUsedTimes(150));

    // Assess
    expect(result.diagnostics).toEqual([]);
    expect(result.ok && result.state.policies.map((p) => p.default)).toEqual(Array(151).fill('optOut'));
  });

  it('stops at the 100,001st list item, located there', () => {
    // Prepare: 100,001 items on one line, "0, " each
    const text = `[${Array(100_001).fill('0').join(', ')}]\n`;

    // Act
    const diagnostic = only(load(text));

    // Assess: item n (1-based) starts at column 2 + 3 (n - 1)
    expect(at(diagnostic)).toBe(`too-many-entries 1:${2 + 3 * 100_000}`);
    expect(diagnostic.message).toBe(
      'the file holds more than 100,000 keys and list items; a real desired state nests 5 deep and has a few thousand keys and list items at most',
    );
  });

  it('counts what aliases expand to, and names the alias that goes over', () => {
    // Prepare: levels of 10 aliases of the level before: 67 keys and items as written
    let text = 'a0: &a0 [0]\n';
    for (let i = 1; i <= 6; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;

    // Act
    const diagnostic = only(load(text));

    // Assess: a_i holds 10 x (1 + a_(i-1)) items expanded (a4: 21,110); 23,457 keys and items come
    // before a5's list, each of its items adds 21,111, so its 4th item (column 10 + 5 x 3) crosses 100,000.
    expect(at(diagnostic)).toBe(`too-many-entries 6:${10 + 5 * 3}`);
    expect(diagnostic.message).toContain('once its aliases are expanded (this alias takes it over)');
  });

  it('refuses an alias to a node that contains it, and one with no anchor before it', () => {
    // Act
    const recursive = only(load('a: &x [1, *x]\n'));
    const unknown = only(load('a: *nowhere\nb: &nowhere 1\n'));

    // Assess
    expect(at(recursive)).toBe('recursive-alias 1:11');
    expect(recursive.message).toBe('alias *x is inside the node it refers to');
    expect(at(unknown)).toBe('unknown-anchor 1:4');
    expect(unknown.message).toBe('alias *nowhere has no anchor &nowhere before it');
  });

  it('an alias refers to the last anchor of its name before it', () => {
    // Prepare
    const text = `version: 1\npolicies:\n  - name: a\n    default: &s optIn\n    targets: [root]\n  - name: b\n    default: &s optOut\n    targets: [{ ou: Sandbox }]\n  - name: c\n    default: *s\n    targets: [{ ou: Prod }]\n`;

    // Act
    const result = load(text);

    // Assess
    expect(result.ok && result.state.policies.map((p) => p.default)).toEqual(['optIn', 'optOut', 'optOut']);
  });
});

describe('duplicate keys', () => {
  it('names each duplicate where it is and where the first one was', () => {
    // Prepare: 2,000 keys, each twice
    const keys = Array.from({ length: 2000 }, (_, i) => `k${i}`);
    const text = `${[...keys, ...keys].map((k) => `${k}: 1`).join('\n')}\n`;

    // Act
    const result = load(text);

    // Assess
    const duplicates = result.diagnostics.filter((d) => d.code === 'duplicate-key');
    expect(duplicates).toHaveLength(2000);
    expect(at(duplicates[0] as Diagnostic)).toBe('duplicate-key 2001:1');
    expect(duplicates[0]?.message).toBe(
      'duplicate key `k0` (first at line 1, column 1); keys of a mapping are unique',
    );
    expect(at(duplicates[1999] as Diagnostic)).toBe('duplicate-key 4000:1');
  });

  it('compares keys by value as the built object spells them: 1 and "1" are one key, a and A two', () => {
    // Act
    const numeric = only(load('1: a\n"1": b\n'));
    const cased = load('version: 1\nVersion: 1\n');

    // Assess
    expect(at(numeric)).toBe('duplicate-key 2:1');
    expect(cased.diagnostics.some((d) => d.code === 'duplicate-key')).toBe(false);
  });

  it('a key named __proto__ is an unknown key, never the prototype', () => {
    // Act
    const result = load('version: 1\n__proto__: { polluted: true }\npolicies: []\n');

    // Assess
    expect(result.diagnostics.map(at)).toContain('unknown-key 2:1');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('a mapping used as a key is refused', () => {
    // Act
    const diagnostic = only(load('? [a, b]\n: 1\n'));

    // Assess
    expect(at(diagnostic)).toBe('complex-key 1:3');
  });
});

describe('echoed values', () => {
  it('cuts a value to 200 characters and says its length, with control characters escaped', () => {
    // Act
    const long = echo('x'.repeat(1000));
    const controls = echo('a\nb\u001b[31m');

    // Assess
    expect(long).toBe(`${'x'.repeat(200)}… (1,000 characters)`);
    expect(controls).toBe('a\\nb\\u001b[31m');
    expect(echo(`${'x'.repeat(199)}😀`)).toBe(`${'x'.repeat(199)}… (201 characters)`);
  });

  it('a 1 MiB scalar gives a one-line diagnostic of a few hundred characters', () => {
    // Prepare
    const text = `version: 1\nmode: ${'x'.repeat(MIB - 64)}\npolicies: []\n`;

    // Act
    const result = load(text);

    // Assess
    const mode = result.diagnostics.find((d) => d.location.line === 2);
    expect(mode?.message).toBe(
      `mode: \`${'x'.repeat(200)}… (1,048,512 characters)\` is not allowed; expected \`audit\` or \`enforce\` (values are case-sensitive)`,
    );
    for (const d of result.diagnostics) expect(d.message.length).toBeLessThan(400);
  });

  it('a description over 512 characters is reported by its length, not echoed', () => {
    // Act
    const diagnostic = only(load(longDescription(100_000)));

    // Assess
    expect(diagnostic.message).toBe(
      'policies[0].description: 100000 characters, more than the 512 AWS allows',
    );
  });
});

describe('names AWS accepts', () => {
  it.each([
    ['a control character typed as an escape', '"ai-optout-\\u0007x"', 'U+0007 at position 11', '3:11'],
    ['a tab typed in a quoted name', '"tab\there"', 'U+0009 at position 4', '3:15'],
    ['an emoji', 'opt-out-😀', 'U+1F600 (😀) at position 9', '3:19'],
  ])('refuses %s, located at the character', (_name, name, what, position) => {
    // Act
    const diagnostic = only(
      load(`version: 1\npolicies:\n  - name: ${name}\n    default: optOut\n    targets: [root]\n`),
    );

    // Assess
    expect(at(diagnostic)).toBe(`invalid-policy-name ${position}`);
    expect(diagnostic.message).toContain(what);
    expect(diagnostic.hint).toBe(
      'write the name in ASCII letters, digits and punctuation; the description may hold any text',
    );
  });

  it('accepts every printable ASCII character in a name, and any text in a description', () => {
    // Prepare
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i))
      .join('')
      .replace(/["\\]/g, (c) => `\\${c}`);

    // Act
    const result = load(
      `version: 1\npolicies:\n  - name: "x${printable}"\n    description: "Données — 数据 — 😀 \\u0007"\n    default: optOut\n    targets: [root]\n`,
    );

    // Assess
    expect(result.diagnostics).toEqual([]);
    expect(result.ok && result.state.policies[0]?.name.length).toBe(96);
  });

  it('refuses a description with an unpaired surrogate (only possible as an escape)', () => {
    // Act
    const diagnostic = only(
      load(
        'version: 1\npolicies:\n  - name: a\n    description: "x\\ud800y"\n    default: optOut\n    targets: [root]\n',
      ),
    );

    // Assess
    expect(at(diagnostic)).toBe('invalid-description 4:18');
    expect(diagnostic.message).toBe(
      'policies[0].description: has U+D800 at position 2, half of a surrogate pair, which is not text AWS can store',
    );
  });
});

describe('scaling', () => {
  it('reads 40,000 keys of one mapping, reporting each unknown one at its own position', () => {
    // Act
    const result = load(mappingOfKeys(40_000));

    // Assess
    const unknown = result.diagnostics.filter((d) => d.code === 'unknown-key');
    expect(unknown).toHaveLength(40_000);
    expect(unknown[39_999]?.message).toBe(`unknown key \`k${(39_999).toString(36)}\` at the top level`);
    expect(unknown[39_999]?.location.col).toBeGreaterThan(200_000);
  });
});
