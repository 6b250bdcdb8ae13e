/**
 * Reading the desired state and snapshots from disk, and writing snapshots and reports: through a
 * temporary file in the same folder renamed into place, so a failed write leaves the old file whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DESIRED_STATE_LIMITS } from '../domain/desired-state/limits.ts';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import type { DesiredState } from '../domain/desired-state/types.ts';
import type { Diagnostic } from '../domain/diagnostics.ts';
import { ConfigurationError, SnapshotError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import { plural } from '../domain/plural.ts';
import { parseSnapshot, serializeSnapshot } from '../domain/snapshot.ts';

function readError(
  error: unknown,
  path: string,
  what: string,
  ErrorType: new (message: string) => Error,
): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new ErrorType(
      `${what} ${path} does not exist${isAbsolute(path) ? '' : ` in ${process.cwd()}`}: check the path`,
    );
  if (code === 'EISDIR') return new ErrorType(`${what} ${path} is a directory, not a file`);
  return new ErrorType(`cannot read ${what} ${path}: ${(error as Error).message}`);
}

async function readText(
  path: string,
  what: string,
  ErrorType: new (message: string) => Error,
): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw readError(error, path, what, ErrorType);
  }
}

/** At most `limit` + 1 bytes of a file: enough to tell the loader it is too large, never more. */
async function readAtMost(path: string, limit: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await file.close();
  }
}

interface LoadedDesiredState {
  state: DesiredState;
  /** Warnings (errors throw). */
  diagnostics: Diagnostic[];
}

/**
 * The bytes of a desired-state file (the loader decodes them and checks their size: at most the limit
 * and one byte more are read); a missing or unreadable file is a ConfigurationError naming it.
 */
export async function readConfigBytes(path: string): Promise<Uint8Array> {
  try {
    return await readAtMost(path, DESIRED_STATE_LIMITS.bytes);
  } catch (error) {
    throw readError(error, path, 'config file', ConfigurationError);
  }
}

/** Reads and validates an `ai-optout.yaml`; throws ConfigurationError with every diagnostic. */
export async function readDesiredStateFile(
  path: string,
  options: { strict?: boolean } = {},
): Promise<LoadedDesiredState> {
  const bytes = await readConfigBytes(path);
  const result = loadDesiredState(bytes, { file: path, strict: options.strict ?? false });
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    throw new ConfigurationError(`${path} is not valid (${plural(errors, 'error')})`, result.diagnostics);
  }
  return { state: result.state, diagnostics: result.diagnostics };
}

export async function readSnapshotFile(path: string): Promise<OrgSnapshot> {
  return parseSnapshot(await readText(path, 'snapshot file', SnapshotError), path);
}

/** Whether two paths name one existing file (through symbolic and hard links alike). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return Boolean(x && y && x.dev === y.dev && x.ino === y.ino);
}

/** The file a write to `path` lands in: the target of a symbolic link, or `path` itself. */
async function writeTarget(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

/**
 * Writes `text` to `path` through a temporary file in the same folder, flushed, then renamed over the
 * old file (atomic on one file system): a write that fails leaves the old file as it was. A symbolic
 * link is written through, and an existing file keeps its permissions.
 */
export async function writeTextFile(path: string, text: string): Promise<void> {
  const target = await writeTarget(path);
  await mkdir(dirname(target), { recursive: true });
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  const mode = (await stat(target).catch(() => undefined))?.mode;
  try {
    const file = await open(temporary, 'wx');
    try {
      if (mode !== undefined) await file.chmod(mode & 0o7777);
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

export async function writeSnapshotFile(path: string, snapshot: OrgSnapshot): Promise<void> {
  await writeTextFile(path, serializeSnapshot(snapshot));
}
