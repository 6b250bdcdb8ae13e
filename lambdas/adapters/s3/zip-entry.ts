/**
 * One file out of a zip held in memory, without trusting the zip. The central directory is read and
 * checked first: the entry count, every local record inside the archive and before the directory, no
 * two entries sharing bytes (a crafted zip points many entries at one stream), and the wanted name
 * only once. Then only that entry is inflated, by node:zlib with `maxOutputLength` set to the size
 * the entry declares, so a stream that declares 100 bytes and would inflate to gigabytes stops after
 * 100 bytes and one 16 KiB chunk; its CRC-32 is checked too. Format: PKWARE APPNOTE.TXT 6.3.10,
 * sections 4.3.7 (local header), 4.3.12 (central directory), 4.3.14-16 (zip64 and end records).
 */
import { crc32, inflateRawSync } from 'node:zlib';

interface ZipLimits {
  /** Most entries in the central directory. */
  entries: number;
  /** Largest size the wanted entry may declare. */
  entryBytes: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Where the entry's data starts and ends (from its local header). */
  dataStart: number;
  dataEnd: number;
}

export type ZipProblem =
  | { kind: 'not-a-zip'; reason: string }
  | { kind: 'too-many-entries'; count: number }
  | { kind: 'overlapping'; first: string; second: string }
  | { kind: 'repeated'; name: string; count: number }
  | { kind: 'missing'; files: string[]; moreFiles: boolean }
  | { kind: 'too-large'; declared: number }
  | { kind: 'unreadable'; reason: string };

export class ZipError extends Error {
  override name = 'ZipError';
  constructor(readonly problem: ZipProblem) {
    super(problem.kind);
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  has(offset: number, length: number): boolean {
    return offset >= 0 && offset + length <= this.bytes.length;
  }
  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }
  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
  u64(offset: number): number {
    return Number(this.view.getBigUint64(offset, true));
  }
}

const broken = (reason: string) => new ZipError({ kind: 'not-a-zip', reason });

/** Where the central directory is and how many entries it has (zip64 records when the zip uses them). */
function directory(zip: Reader): { offset: number; size: number; count: number } {
  const last = zip.bytes.length - 22;
  let eocd = -1;
  for (let i = last; i >= Math.max(0, last - MAX16); i--) {
    if (zip.u32(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw broken('it has no end of central directory record');
  let count = zip.u16(eocd + 10);
  let size = zip.u32(eocd + 12);
  let offset = zip.u32(eocd + 16);
  const locator = eocd - 20;
  if ((count === MAX16 || size === MAX32 || offset === MAX32) && zip.has(locator, 20)) {
    const record = zip.u32(locator) === ZIP64_LOCATOR ? zip.u64(locator + 8) : -1;
    if (!zip.has(record, 56) || zip.u32(record) !== ZIP64_EOCD)
      throw broken('its zip64 end record is missing');
    count = zip.u64(record + 32);
    size = zip.u64(record + 40);
    offset = zip.u64(record + 48);
  }
  if (!zip.has(offset, size)) throw broken('its central directory lies outside the file');
  return { offset, size, count };
}

/** Sizes and offset from the zip64 extra field, for the fields the record marks as 0xFFFFFFFF. */
function zip64Values(zip: Reader, extraStart: number, extraLength: number, wanted: number[]): number[] {
  for (let at = extraStart; at + 4 <= extraStart + extraLength; ) {
    const id = zip.u16(at);
    const length = zip.u16(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      return wanted.map((value) => {
        if (value !== MAX32) return value;
        if (field + 8 > at + 4 + length) throw broken('a zip64 extra field is short');
        const v = zip.u64(field);
        field += 8;
        return v;
      });
    }
    at += 4 + length;
  }
  return wanted;
}

function entryAt(zip: Reader, at: number, end: number): { entry: Entry; next: number } {
  if (at + 46 > end || zip.u32(at) !== CENTRAL) throw broken('a central directory record is damaged');
  const flags = zip.u16(at + 8);
  const nameLength = zip.u16(at + 28);
  const extraLength = zip.u16(at + 30);
  const next = at + 46 + nameLength + extraLength + zip.u16(at + 32);
  if (next > end) throw broken('a central directory record runs past the directory');
  const raw = zip.bytes.subarray(at + 46, at + 46 + nameLength);
  // Bit 11: the name is UTF-8; otherwise it is in the legacy code page, read as Latin-1 as fflate does.
  const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(raw);
  const [size, compressedSize, localOffset] = zip64Values(zip, at + 46 + nameLength, extraLength, [
    zip.u32(at + 24),
    zip.u32(at + 20),
    zip.u32(at + 42),
  ]) as [number, number, number];
  if (!zip.has(localOffset, 30) || zip.u32(localOffset) !== LOCAL)
    throw broken(`the local header of ${JSON.stringify(name.slice(0, 200))} is missing`);
  const dataStart = localOffset + 30 + zip.u16(localOffset + 26) + zip.u16(localOffset + 28);
  const entry: Entry = {
    name,
    flags,
    method: zip.u16(at + 10),
    crc: zip.u32(at + 16),
    compressedSize,
    size,
    localOffset,
    dataStart,
    dataEnd: dataStart + compressedSize,
  };
  return { entry, next };
}

/** Refuses entries whose records share bytes, or that run into the central directory. */
function checkLayout(entries: readonly Entry[], directoryOffset: number): void {
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i] as Entry;
    if (entry.dataEnd > directoryOffset)
      throw broken(`entry ${JSON.stringify(entry.name.slice(0, 200))} runs into the central directory`);
    const next = sorted[i + 1];
    if (next && entry.dataEnd > next.localOffset)
      throw new ZipError({ kind: 'overlapping', first: entry.name, second: next.name });
  }
}

function readEntries(bytes: Uint8Array, limits: ZipLimits): Entry[] {
  const zip = new Reader(bytes);
  if (bytes.length < 22) throw broken('it is too short to be a zip');
  const { offset, size, count } = directory(zip);
  if (count > limits.entries) throw new ZipError({ kind: 'too-many-entries', count });
  const entries: Entry[] = [];
  for (let at = offset, i = 0; i < count; i++) {
    const { entry, next } = entryAt(zip, at, offset + size);
    entries.push(entry);
    at = next;
  }
  checkLayout(entries, offset);
  return entries;
}

/** The entry's bytes, inflated no further than it declares. */
function inflate(bytes: Uint8Array, entry: Entry): Uint8Array {
  if (entry.flags & 0x1) throw new ZipError({ kind: 'unreadable', reason: 'it is encrypted' });
  const data = bytes.subarray(entry.dataStart, entry.dataEnd);
  let out: Uint8Array;
  if (entry.method === 0) out = data;
  else if (entry.method === 8) {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      const tooLong = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      const reason = tooLong
        ? `it inflates to more than the ${entry.size} bytes it declares`
        : `its deflate stream is damaged (${(error as Error).message})`;
      throw new ZipError({ kind: 'unreadable', reason });
    }
  } else
    throw new ZipError({
      kind: 'unreadable',
      reason: `it is compressed with method ${entry.method}; only stored and deflated entries are read`,
    });
  if (out.length !== entry.size)
    throw new ZipError({
      kind: 'unreadable',
      reason: `it holds ${out.length} bytes, not the ${entry.size} it declares`,
    });
  if (crc32(out) >>> 0 !== entry.crc >>> 0)
    throw new ZipError({ kind: 'unreadable', reason: 'its CRC-32 does not match (the zip is damaged)' });
  return out;
}

/** The bytes of the one entry whose normalized name is `wanted` (`normalize` applied to each name). */
export function extractEntry(
  bytes: Uint8Array,
  wanted: string,
  normalize: (name: string) => string,
  limits: ZipLimits,
): Uint8Array {
  const entries = readEntries(bytes, limits);
  const matching = entries.filter((entry) => normalize(entry.name) === wanted);
  const first = matching[0];
  if (!first) {
    const files = entries.map((e) => normalize(e.name)).filter((name) => !name.endsWith('/'));
    throw new ZipError({ kind: 'missing', files: files.slice(0, 20), moreFiles: files.length > 20 });
  }
  if (matching.length > 1) throw new ZipError({ kind: 'repeated', name: wanted, count: matching.length });
  if (first.size > limits.entryBytes) throw new ZipError({ kind: 'too-large', declared: first.size });
  return inflate(bytes, first);
}
