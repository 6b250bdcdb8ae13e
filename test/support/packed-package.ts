/**
 * The package as `npm pack` makes it (its `prepack` builds dist/), packed once per test run and shared by
 * every test file that installs it: the first caller packs into the run's folder (global-setup.ts)
 * under a lock (a folder created atomically), the others wait for its result. Outside a run (no run
 * folder), each caller packs into a folder of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { RUN_DIR_VARIABLE } from './global-setup.ts';

const run = promisify(execFile);

export interface PackedPackage {
  /** The tarball's absolute path. */
  tarball: string;
  /** The files in it, as `npm pack --json` lists them. */
  files: { path: string }[];
}

const PACK_TIMEOUT_MS = 300_000;

/** `npm pack --json` prints the prepack build's output first, then the JSON array. */
function packResult(stdout: string, dir: string): PackedPackage {
  const start = stdout.search(/^\[/m);
  const [packed] = JSON.parse(stdout.slice(start)) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no package: ${stdout.slice(0, 400)}`);
  return { tarball: join(dir, packed.filename), files: packed.files };
}

async function pack(dir: string): Promise<PackedPackage> {
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', dir, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return packResult(stdout, dir);
}

let mine: Promise<PackedPackage> | undefined;

/** The packed package of this test run (packed by the first caller of the run). */
export function packedPackage(): Promise<PackedPackage> {
  mine ??= shared();
  return mine;
}

async function shared(): Promise<PackedPackage> {
  const runDir = process.env[RUN_DIR_VARIABLE];
  if (!runDir) return pack(mkdtempSync(join(tmpdir(), 'ai-optout-pack-')));
  const dir = join(runDir, 'pack');
  const result = join(runDir, 'pack.json');
  try {
    mkdirSync(dir); // the lock: exactly one caller creates it
  } catch {
    return waitFor(result);
  }
  // Written whole, then renamed: a waiter never reads half of it.
  const publish = (value: unknown) => {
    writeFileSync(`${result}.tmp`, JSON.stringify(value));
    renameSync(`${result}.tmp`, result);
  };
  try {
    const packed = await pack(dir);
    publish(packed);
    return packed;
  } catch (error) {
    publish({ error: String(error) });
    throw error;
  }
}

async function waitFor(result: string): Promise<PackedPackage> {
  const deadline = Date.now() + PACK_TIMEOUT_MS;
  while (!existsSync(result)) {
    if (Date.now() > deadline)
      throw new Error(`no packed package in ${result} after ${PACK_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const value = JSON.parse(readFileSync(result, 'utf8')) as PackedPackage | { error: string };
  if ('error' in value) throw new Error(`packing failed in another test file: ${value.error}`);
  return value;
}
