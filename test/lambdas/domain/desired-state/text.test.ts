/**
 * The text of a desired-state file at its boundaries: the 1 MiB limit as bytes of UTF-8, UTF-8 as
 * Unicode's table 3-7 defines it (source-text.ts), and the characters AWS accepts in a policy's name and
 * description [ORG-POLICY-NAME-TEXT] (aws-text.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  describeCharacter,
  firstNonNameCharacter,
  unpairedSurrogate,
} from '../../../../lambdas/domain/desired-state/aws-text.ts';
import {
  decodeSourceText,
  firstInvalidUtf8,
  textTooLarge,
} from '../../../../lambdas/domain/desired-state/source-text.ts';

const MIB = 1024 * 1024;

describe('the size limit', () => {
  it('1 MiB of UTF-8 is read; one byte more is refused, however the text counts its characters', () => {
    expect(textTooLarge('x'.repeat(MIB), 'a.yaml')).toBeUndefined();
    expect(textTooLarge('é'.repeat(MIB / 2), 'a.yaml')).toBeUndefined();
    expect(textTooLarge(`${'é'.repeat(MIB / 2)}x`, 'a.yaml')?.code).toBe('file-too-large');
    expect(textTooLarge('x'.repeat(MIB + 1), 'a.yaml')).toEqual({
      severity: 'error',
      code: 'file-too-large',
      location: { file: 'a.yaml', line: 1, col: 1 },
      message: 'the file is larger than 1,048,576 bytes (1 MiB), the most a desired state may have',
      hint: 'a real file is a few kilobytes: check that this is the right file',
    });
  });
});

describe('UTF-8', () => {
  it.each<[string, number[], number]>([
    ['ASCII', [0x00, 0x7f], -1],
    ['a lone continuation byte', [0x41, 0x80], 1],
    ['an overlong two-byte form', [0xc1, 0xbf], 0],
    ['the first and last two-byte lead', [0xc2, 0x80, 0xdf, 0xbf], -1],
    ['a two-byte form cut short', [0xc2], 0],
    ['a continuation byte past 0xbf', [0xc2, 0xc0], 0],
    ['U+0800, the first three-byte form', [0xe0, 0xa0, 0x80], -1],
    ['an overlong three-byte form', [0xe0, 0x9f, 0xbf], 0],
    ['a three-byte form in the middle', [0xe1, 0x80, 0x80, 0xec, 0xbf, 0xbf], -1],
    ['U+D7FF, the last before the surrogates', [0xed, 0x9f, 0xbf], -1],
    ['U+FFFF, the last three-byte form', [0xef, 0xbf, 0xbf], -1],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['U+10000, the first four-byte form', [0xf0, 0x90, 0x80, 0x80], -1],
    ['an overlong four-byte form', [0xf0, 0x8f, 0xbf, 0xbf], 0],
    ['a four-byte form in the middle', [0xf1, 0x80, 0x80, 0x80, 0xf3, 0xbf, 0xbf, 0xbf], -1],
    ['U+10FFFF, the last code point', [0xf4, 0x8f, 0xbf, 0xbf], -1],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a lead byte past 0xf4', [0xf5, 0x80, 0x80, 0x80], 0],
  ])('%s', (_, bytes, offset) => {
    expect(firstInvalidUtf8(new Uint8Array(bytes))).toBe(offset);
  });

  it('names the line and column of a bad byte at the end of a line', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a: 1\nbé'), 0x80, 0x0a, 0x63]);
    const result = decodeSourceText(bytes, 'a.yaml');
    expect(!result.ok && result.diagnostic).toMatchObject({
      location: { file: 'a.yaml', line: 2, col: 3 },
      message: 'byte 0x80 is not valid UTF-8; YAML files are read as UTF-8',
    });
  });
});

describe('names and descriptions AWS accepts', () => {
  it.each<[string, { index: number; character: string } | undefined]>([
    [' ~', undefined],
    ['a\u001fb', { index: 1, character: '\u001f' }],
    ['ab\u007f', { index: 2, character: '\u007f' }],
    ['x😀', { index: 1, character: '😀' }],
  ])('the first character refused in the name %j', (name, found) => {
    expect(firstNonNameCharacter(name)).toEqual(found);
  });

  it.each([
    ['plain text and a pair', 'a😀b', -1],
    ['the first and last high surrogates paired', '\ud800\udc00\udbff\udfff', -1],
    ['a high surrogate alone', 'ab\ud800', 2],
    ['a high surrogate before a character that is no low one', '\ud800\ue000', 0],
    ['a low surrogate alone, first and last of the range', 'a\udc00', 1],
    ['the last low surrogate alone', '\udfff', 0],
    ['characters past the surrogates', '\ue000\uff71', -1],
  ])('unpaired surrogate: %s', (_, text, index) => {
    expect(unpairedSurrogate(text)).toBe(index);
  });

  it.each([
    ['\u001f', 'U+001F'],
    [' ', 'U+0020 ( )'],
    ['~', 'U+007E (~)'],
    ['\u007f', 'U+007F'],
    ['\u009f', 'U+009F'],
    ['\u00a0', 'U+00A0 (\u00a0)'],
    ['ä', 'U+00E4 (ä)'],
    ['\ud800', 'U+D800'],
    ['\udfff', 'U+DFFF'],
    ['\ue000', 'U+E000 (\ue000)'],
    ['😀', 'U+1F600 (😀)'],
  ])('the character %j is described as %s', (character, described) => {
    expect(describeCharacter(character)).toBe(described);
  });
});
