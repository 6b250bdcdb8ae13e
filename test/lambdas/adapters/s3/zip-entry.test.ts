/**
 * Reading the desired state out of the input zip without trusting the zip (zip-entry.ts through
 * artifacts.ts extractFile): the crafted zip of issue 9 is refused before anything is inflated, and
 * the one entry that is inflated is inflated once, capped at the size it declares. node:zlib's
 * inflateRawSync is wrapped to count its calls and the cap each one gets.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Artifacts from '../../../../lambdas/adapters/s3/artifacts.ts';
import { hostileZip, localRecord, rawZip } from '../../../support/hostile-inputs.ts';

const inflations = vi.hoisted(() => [] as { maxOutputLength: number | undefined; threw: boolean }[]);

vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof import('node:zlib')>();
  return {
    ...zlib,
    inflateRawSync: (data: Uint8Array, options?: { maxOutputLength?: number }) => {
      const record = { maxOutputLength: options?.maxOutputLength, threw: false };
      inflations.push(record);
      try {
        return zlib.inflateRawSync(data, options);
      } catch (error) {
        record.threw = true;
        throw error;
      }
    },
  };
});

// Imported afresh: test files share a worker's modules (vitest.config.ts `isolate: false`), so a module
// another file loaded first would hold the real node:zlib.
let extractFile: typeof Artifacts.extractFile;
let LIMITS: typeof Artifacts.LIMITS;
let zipFiles: typeof Artifacts.zipFiles;
beforeAll(async () => {
  vi.resetModules();
  ({ extractFile, LIMITS, zipFiles } = await import('../../../../lambdas/adapters/s3/artifacts.ts'));
});

const MIB = 1024 * 1024;
const CONFIG = 'version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets: [root]\n';
const extract = (zip: Uint8Array, wanted = 'ai-optout.yaml') => extractFile(zip, wanted, 'Config');
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

beforeEach(() => {
  inflations.length = 0;
});

describe('the crafted zip of issue 9', () => {
  it('20,000 entries naming ai-optout.yaml over one 64 MiB stream: refused with nothing inflated', () => {
    // Prepare
    const zip = hostileZip({ entries: LIMITS.entries, inflatedBytes: 64 * MIB });

    // Act
    const attempt = () => extract(zip);

    // Assess
    expect(zip.length).toBeLessThan(LIMITS.zipBytes);
    expect(attempt).toThrow(
      'the input artifact Config is not a zip this action reads: entries `ai-optout.yaml` and `ai-optout.yaml` share the same bytes (the zip is crafted or damaged)',
    );
    expect(inflations).toEqual([]);
  });

  it('one entry that declares 100 bytes over the 64 MiB stream: one inflate, capped at 100 bytes', () => {
    // Prepare
    const zip = hostileZip({ entries: 1, inflatedBytes: 64 * MIB, declaredSize: 100 });

    // Act
    const attempt = () => extract(zip);

    // Assess
    expect(attempt).toThrow(
      'ai-optout.yaml in Config cannot be read: it inflates to more than the 100 bytes it declares',
    );
    expect(inflations).toEqual([{ maxOutputLength: 100, threw: true }]);
  });

  it('an entry that declares more than 1 MiB is refused without inflating it', () => {
    // Prepare
    const zip = hostileZip({ entries: 1, inflatedBytes: 2 * MIB, declaredSize: 2 * MIB });

    // Act
    const attempt = () => extract(zip);

    // Assess
    expect(attempt).toThrow('ai-optout.yaml in Config is 2097152 bytes, more than 1048576');
    expect(inflations).toEqual([]);
  });

  it('more central-directory entries than the limit are refused before any is read', () => {
    // Prepare
    const zip = hostileZip({ entries: LIMITS.entries + 1, inflatedBytes: 16 });

    // Act
    const attempt = () => extract(zip);

    // Assess
    expect(attempt).toThrow(
      'the input artifact Config has 20001 entries, more than the 20000 this action reads',
    );
    expect(inflations).toEqual([]);
  });
});

describe('zips as tools write them', () => {
  it('reads the one entry asked for from a deflated zip, inflating only that one', () => {
    // Prepare
    const zip = zipFiles({
      'README.md': '# x\n'.repeat(100),
      'ai-optout.yaml': CONFIG,
      'other.yaml': 'a: 1\n',
    });

    // Act
    const bytes = extract(zip);

    // Assess
    expect(text(bytes)).toBe(CONFIG);
    expect(inflations).toEqual([{ maxOutputLength: CONFIG.length, threw: false }]);
  });

  it('reads a stored (uncompressed) entry and one in a folder', () => {
    // Prepare
    const zip = zipSync({
      'config/': new Uint8Array(),
      'config/ai-optout.yaml': [new TextEncoder().encode(CONFIG), { level: 0 }],
    });

    // Act
    const bytes = extract(zip, './config/ai-optout.yaml');

    // Assess
    expect(text(bytes)).toBe(CONFIG);
    expect(inflations).toEqual([]);
  });

  it('reads a zip64 end of central directory record', () => {
    // Prepare: a stored entry; the end record's fields are 0xFFFF/0xFFFFFFFF and the zip64 record has them
    const data = Buffer.from(CONFIG);
    const local = localRecord('ai-optout.yaml', data, 0, data.length);
    const plain = Buffer.from(
      rawZip(local, [
        {
          name: 'ai-optout.yaml',
          localOffset: 0,
          compressedSize: data.length,
          declaredSize: data.length,
          method: 0,
          crc: crc32(data),
        },
      ]),
    );
    const directoryEnd = plain.length - 22;
    const directory = plain.subarray(local.length, directoryEnd);
    const zip64End = Buffer.alloc(56);
    zip64End.writeUInt32LE(0x06064b50, 0);
    zip64End.writeBigUInt64LE(44n, 4);
    zip64End.writeBigUInt64LE(1n, 24);
    zip64End.writeBigUInt64LE(1n, 32);
    zip64End.writeBigUInt64LE(BigInt(directory.length), 40);
    zip64End.writeBigUInt64LE(BigInt(local.length), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(directoryEnd), 8);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);

    // Act
    const bytes = extract(new Uint8Array(Buffer.concat([local, directory, zip64End, locator, end])));

    // Assess
    expect(text(bytes)).toBe(CONFIG);
  });
});

describe('zips that are damaged or crafted', () => {
  const data = deflateRawSync(Buffer.from(CONFIG));
  const entry = {
    name: 'ai-optout.yaml',
    localOffset: 0,
    compressedSize: data.length,
    declaredSize: CONFIG.length,
    method: 8 as const,
    crc: crc32(Buffer.from(CONFIG)),
  };
  const local = localRecord('ai-optout.yaml', data, 8, CONFIG.length);

  it('reads the hand-built zip the other cases change', () => {
    expect(text(extract(rawZip(local, [entry])))).toBe(CONFIG);
  });

  it.each([
    [
      'two entries of the same name at different offsets',
      Buffer.concat([local, local]),
      [entry, { ...entry, localOffset: local.length }],
      'the input artifact Config has 2 entries named ai-optout.yaml: which one is the desired state is ambiguous; rebuild the zip with one',
    ],
    [
      'an entry whose data runs into the next entry',
      Buffer.concat([local, localRecord('b.txt', Buffer.from('x'), 0, 1)]),
      [
        { ...entry, compressedSize: data.length + 5 },
        { name: 'b.txt', localOffset: local.length, compressedSize: 1, declaredSize: 1, method: 0 as const },
      ],
      'entries `ai-optout.yaml` and `b.txt` share the same bytes',
    ],
    [
      'a wrong CRC-32',
      local,
      [{ ...entry, crc: 1 }],
      'ai-optout.yaml in Config cannot be read: its CRC-32 does not match (the zip is damaged)',
    ],
    [
      'a declared size larger than the data',
      local,
      [{ ...entry, declaredSize: CONFIG.length + 1 }],
      `it holds ${CONFIG.length} bytes, not the ${CONFIG.length + 1} it declares`,
    ],
    [
      'a central-directory entry pointing nowhere',
      local,
      [{ ...entry, localOffset: 3 }],
      'the input artifact Config is not a readable zip file: the local header of "ai-optout.yaml" is missing',
    ],
    [
      'an unknown compression method',
      local,
      [{ ...entry, method: 14 as unknown as 8 }],
      'it is compressed with method 14; only stored and deflated entries are read',
    ],
  ])('%s is refused', (_name, records, entries, message) => {
    // Act
    const attempt = () => extract(rawZip(records as Buffer, entries));

    // Assess
    expect(attempt).toThrow(message);
  });

  it('bytes that are not a zip are refused in one sentence', () => {
    expect(() => extract(new TextEncoder().encode(CONFIG))).toThrow(
      'the input artifact Config is not a readable zip file: it has no end of central directory record',
    );
  });
});
