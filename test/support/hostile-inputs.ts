/**
 * Hostile and unlucky inputs for the limits tests and `bench/hostile.ts`: a desired state made of one
 * huge mapping, deeply nested mappings, an anchor used many times, and a zip whose central directory
 * names the desired state many times over one large deflate stream that declares itself small.
 * Nothing here is a valid organization; each builder makes exactly the shape its name says.
 */
import { deflateRawSync } from 'node:zlib';

const BASE_POLICY = `version: 1
policies:
  - name: baseline
    default: optOut
    targets: [root]
`;

/** A flow mapping `{k0, k1, ...}` of short keys (null values) filling about `bytes` bytes. */
export function oneLargeMapping(bytes: number): string {
  const parts: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const key = `k${i.toString(36)}`;
    parts.push(key);
    size += key.length + 2;
  }
  return `{${parts.join(', ')}}\n`;
}

/** A flow mapping of exactly `keys` keys. */
export function mappingOfKeys(keys: number): string {
  return `{${Array.from({ length: keys }, (_, i) => `k${i.toString(36)}`).join(', ')}}\n`;
}

/** `depth` block mappings nested one in the other under `policies[0].description`. */
export function nestedMappings(depth: number): string {
  let text =
    'version: 1\npolicies:\n  - name: baseline\n    default: optOut\n    targets: [root]\n    lock:\n';
  for (let i = 0; i < depth; i++) text += `${' '.repeat(6 + i)}k:\n`;
  return `${text}${' '.repeat(6 + depth)}v: 1\n`;
}

/** A valid desired state whose one anchor (the setting `optOut`) is used `uses` times, once per policy. */
export function anchorUsedTimes(uses: number): string {
  let text = 'version: 1\npolicies:\n';
  for (let i = 0; i <= uses; i++) {
    const account = String(100_000_000_000 + i);
    text += `  - name: p${i}\n    default: ${i === 0 ? '&setting optOut' : '*setting'}\n    targets: [{ account: "${account}" }]\n`;
  }
  return text;
}

/** The classic "billion laughs": each level's anchor is a list of ten aliases of the level below. */
export function aliasBomb(levels: number): string {
  let text = `${BASE_POLICY}expect:\n  optOut: all\n  except:\n    - ou: a\n      services: &l0 [lex]\n`;
  for (let i = 1; i <= levels; i++) {
    text += `    - ou: l${i}\n      services: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]\n`;
  }
  return text;
}

/** A valid file whose `description` is a plain scalar of `length` characters. */
export function longDescription(length: number): string {
  return `version: 1\npolicies:\n  - name: baseline\n    description: ${'d'.repeat(length)}\n    default: optOut\n    targets: [root]\n`;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

export interface ZipEntrySpec {
  name: string;
  /** Offset of the local header this central-directory entry points at. */
  localOffset: number;
  compressedSize: number;
  /** What the entry declares, whatever the data inflates to. */
  declaredSize: number;
  method: 0 | 8;
  crc?: number;
}

/** A zip built from raw parts: local records as given, then a central directory of `entries`. */
export function rawZip(local: Buffer, entries: readonly ZipEntrySpec[]): Uint8Array {
  const central: Buffer[] = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20),
        u16(20),
        u16(0x0800),
        u16(entry.method),
        u16(0),
        u16(0),
        u32(entry.crc ?? 0),
        u32(entry.compressedSize),
        u32(entry.declaredSize),
        u16(name.length),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(entry.localOffset),
        name,
      ]),
    );
  }
  const directory = Buffer.concat(central);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(directory.length),
    u32(local.length),
    u16(0),
  ]);
  return new Uint8Array(Buffer.concat([local, directory, end]));
}

/** A local file header followed by `data`. */
export function localRecord(name: string, data: Buffer, method: 0 | 8, declaredSize: number): Buffer {
  const encoded = Buffer.from(name, 'utf8');
  return Buffer.concat([
    u32(0x04034b50),
    u16(20),
    u16(0x0800),
    u16(method),
    u16(0),
    u16(0),
    u32(0),
    u32(data.length),
    u32(declaredSize),
    u16(encoded.length),
    u16(0),
    encoded,
    data,
  ]);
}

/**
 * The hostile zip of issue 9: one deflate stream of `inflatedBytes` zero bytes (a few hundred KiB
 * compressed) under a local header for `ai-optout.yaml`, and `entries` central-directory entries that
 * all name `ai-optout.yaml`, point at that one stream, and declare it `declaredSize` bytes.
 */
export function hostileZip(options: {
  entries: number;
  inflatedBytes: number;
  declaredSize?: number;
}): Uint8Array {
  const declaredSize = options.declaredSize ?? 100;
  const stream = deflateRawSync(Buffer.alloc(options.inflatedBytes), { level: 9 });
  const local = localRecord('ai-optout.yaml', stream, 8, declaredSize);
  const entry: ZipEntrySpec = {
    name: 'ai-optout.yaml',
    localOffset: 0,
    compressedSize: stream.length,
    declaredSize,
    method: 8,
  };
  return rawZip(
    local,
    Array.from({ length: options.entries }, () => entry),
  );
}
