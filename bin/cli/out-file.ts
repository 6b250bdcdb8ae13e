/**
 * `--out`: where a report or a snapshot goes, checked before any work is done, so that nothing is
 * read from AWS, and nothing is destroyed, for an output that cannot be written.
 *
 * - `-` and `/dev/stdout` are standard output (the flag's parser turns them into no `--out`).
 * - A new path, or a regular file, is written atomically (a temporary file renamed over it); missing
 *   folders are created, and the CLI says so.
 * - A character device (`/dev/null`, a terminal) is written through, never replaced.
 * - A directory, a FIFO, a socket or a block device is refused in one sentence: renaming a file over
 *   it would replace it (as root, even `/dev/stdout`), and writing into it is not writing a report.
 * - An input of the command (`--config`, `--snapshot`, ...) is refused; so is, for `snapshot --out`,
 *   an existing file that is not a snapshot (a desired state, say).
 */
import type { Stats } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sameFile, writeTextFile } from '../../lambdas/adapters/files.ts';
import { echo } from '../../lambdas/domain/echo.ts';
import { flagError } from './flags.ts';
import type { CliIo } from './io.ts';

/** What a path is, in words, for the kinds `--out` refuses. */
function refusedKind(info: Stats): string | undefined {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isBlockDevice()) return 'a block device';
  return undefined;
}

/** Whether `path` holds an organization snapshot (JSON with `snapshotVersion`), or nothing at all. */
async function holdsSnapshot(path: string, info: Stats): Promise<boolean> {
  if (info.size === 0) return true;
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return value !== null && typeof value === 'object' && 'snapshotVersion' in value;
  } catch {
    return false;
  }
}

/**
 * Refuses, in one sentence, an `--out` that cannot take a file: a directory, FIFO, socket or block
 * device; one of the command's inputs; for a snapshot, a file that is not a snapshot.
 */
export async function checkOut(
  out: string,
  options: { inputs?: readonly { flag: string; path: string | undefined }[]; snapshot?: boolean } = {},
): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  const kind = info && refusedKind(info);
  if (kind)
    throw flagError(
      `--out ${echo(out)} is ${kind}, not a file: give the path of a file to write${info?.isDirectory() ? ` (such as ${echo(out.replace(/\/$/, ''))}/report.txt)` : ''}, or \`--out -\` for standard output`,
    );
  for (const input of options.inputs ?? []) {
    if (input.path !== undefined && (await sameFile(out, input.path))) {
      throw flagError(
        `--out ${echo(out)} is the ${input.flag} file ${input.path === out ? '' : `${echo(input.path)} `}itself: writing the report there would destroy it; choose another --out path`,
      );
    }
  }
  if (options.snapshot && info?.isFile() && !(await holdsSnapshot(out, info)))
    throw flagError(
      `--out ${echo(out)} exists and is not an organization snapshot: writing the snapshot there would destroy it; choose another path, or delete the file first`,
    );
}

/** Writes `text` to `out` (checked by checkOut): through a character device, or atomically to a file. */
export async function writeOut(io: CliIo, out: string, text: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info?.isCharacterDevice()) {
    await writeFile(out, text, { flag: 'w' });
    return;
  }
  const folder = dirname(out);
  if (!info && !(await stat(folder).catch(() => undefined))) {
    await mkdir(folder, { recursive: true });
    io.stderr(`Created the folder ${folder} for --out.\n`);
  }
  await writeTextFile(out, text);
}
