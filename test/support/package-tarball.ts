/**
 * The package as `npm pack` makes it (its `prepack` builds dist/), for tests of what ships. Packing costs
 * a build (tens of seconds): a test file packs once, in its beforeAll, and everything in it uses that
 * tarball. PACKED_TARBALL, when set, names a tarball packed already (by a global setup, or by hand), so
 * that several test files can share one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';

const run = promisify(execFile);

export interface Packed {
  /** The tarball's absolute path. */
  path: string;
  /** The files in it, as npm lists them. */
  files: string[];
}

/** `npm pack --json` prints the prepack build's output first, then the JSON array. */
function packResult(stdout: string): { filename: string; files: { path: string }[] } {
  const start = stdout.search(/^\[/m);
  const [packed] = JSON.parse(stdout.slice(start)) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no tarball: ${stdout.slice(0, 300)}`);
  return packed;
}

/** Packs this repository into `destination`, or returns PACKED_TARBALL's tarball. */
export async function packTarball(destination: string): Promise<Packed> {
  const shared = process.env.PACKED_TARBALL;
  if (shared) {
    const listed = await run('tar', ['-tzf', shared], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return {
      path: shared,
      files: listed.stdout
        .trim()
        .split('\n')
        .map((f) => f.replace(/^package\//, '')),
    };
  }
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', destination, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: PACKAGE_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const packed = packResult(stdout);
  return { path: join(destination, packed.filename), files: packed.files.map((f) => f.path) };
}
