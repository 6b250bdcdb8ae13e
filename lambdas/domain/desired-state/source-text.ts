/**
 * The text of a desired-state file from its bytes: at most DESIRED_STATE_LIMITS.bytes, and UTF-8
 * (YAML 1.2 streams are Unicode; a byte that is not UTF-8 is an error at its line and column, never
 * silently replaced by U+FFFD).
 */
import type { Diagnostic } from '../diagnostics.ts';
import { DESIRED_STATE_LIMITS, formatBytes } from './limits.ts';

export type SourceText = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

function tooLarge(file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'file-too-large',
    location: { file, line: 1, col: 1 },
    message: `the file is larger than ${formatBytes(DESIRED_STATE_LIMITS.bytes)} (1 MiB), the most a desired state may have`,
    hint: 'a real file is a few kilobytes: check that this is the right file',
  };
}

/** Whether `text` is over the limit once encoded as UTF-8 (every UTF-16 unit is at least one byte). */
export function textTooLarge(text: string, file: string): Diagnostic | undefined {
  const limit = DESIRED_STATE_LIMITS.bytes;
  if (text.length > limit || new TextEncoder().encode(text).length > limit) return tooLarge(file);
  return undefined;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode 15, table 3-7), or 0 if there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i] as number;
  if (b < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const c = bytes[i + k];
    return c !== undefined && c >= low && c <= high;
  };
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const [low, high] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

function notUtf8(bytes: Uint8Array, offset: number, file: string): Diagnostic {
  const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const col = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  const hex = (bytes[offset] as number).toString(16).toUpperCase().padStart(2, '0');
  return {
    severity: 'error',
    code: 'invalid-utf8',
    location: { file, line, col },
    message: `byte 0x${hex} is not valid UTF-8; YAML files are read as UTF-8`,
    hint: 'save the file as UTF-8 (an editor that shows it garbled here read it in another encoding)',
  };
}

/** Decodes a desired-state file, refusing one over the size limit or with bytes that are not UTF-8. */
export function decodeSourceText(bytes: Uint8Array, file: string): SourceText {
  if (bytes.length > DESIRED_STATE_LIMITS.bytes) return { ok: false, diagnostic: tooLarge(file) };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, diagnostic: notUtf8(bytes, firstInvalidUtf8(bytes), file) };
  }
}
