/** Reading the desired state and snapshots from disk, and writing snapshots and reports. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import type { DesiredState } from '../domain/desired-state/types.ts';
import type { Diagnostic } from '../domain/diagnostics.ts';
import { ConfigurationError, SnapshotError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import { parseSnapshot, serializeSnapshot } from '../domain/snapshot.ts';

async function readText(
  path: string,
  what: string,
  ErrorType: new (message: string) => Error,
): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ErrorType(`${what} ${path} does not exist`);
    if (code === 'EISDIR') throw new ErrorType(`${what} ${path} is a directory, not a file`);
    throw new ErrorType(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

export interface LoadedDesiredState {
  state: DesiredState;
  /** Warnings (errors throw). */
  diagnostics: Diagnostic[];
}

/** Reads and validates an `ai-optout.yaml`; throws ConfigurationError with every diagnostic. */
/** The text of a desired-state file; a missing or unreadable file is a ConfigurationError naming it. */
export function readConfigText(path: string): Promise<string> {
  return readText(path, 'config file', ConfigurationError);
}

export async function readDesiredStateFile(
  path: string,
  options: { strict?: boolean } = {},
): Promise<LoadedDesiredState> {
  const text = await readConfigText(path);
  const result = loadDesiredState(text, { file: path, strict: options.strict ?? false });
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    throw new ConfigurationError(
      `${path} is not valid (${errors} error${errors === 1 ? '' : 's'})`,
      result.diagnostics,
    );
  }
  return { state: result.state, diagnostics: result.diagnostics };
}

export async function readSnapshotFile(path: string): Promise<OrgSnapshot> {
  return parseSnapshot(await readText(path, 'snapshot file', SnapshotError), path);
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}

export async function writeSnapshotFile(path: string, snapshot: OrgSnapshot): Promise<void> {
  await writeTextFile(path, serializeSnapshot(snapshot));
}
