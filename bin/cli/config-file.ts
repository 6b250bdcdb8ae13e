/**
 * Which desired-state file a command reads: `--config`, or else the first that exists of
 * `ai-optout.yaml` (where an LZA configuration repository keeps it beside its own files, and where the
 * pipeline looks by default) and `config/ai-optout.yaml` (this repository's layout). The CLI says which
 * default it read, on stderr, so a report on stdout stays whole.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigurationError } from '../../lambdas/domain/errors.ts';
import type { CliIo } from './io.ts';

export const DEFAULT_CONFIG_FILES = ['ai-optout.yaml', 'config/ai-optout.yaml'] as const;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The file to read: the flag's, or the first default that exists (said on stderr). */
export async function chooseConfig(io: CliIo, flag: string | undefined): Promise<string> {
  if (flag !== undefined) {
    if (flag === '')
      throw new ConfigurationError('--config is empty: give the path of the desired-state file');
    return flag;
  }
  for (const candidate of DEFAULT_CONFIG_FILES) {
    if (await exists(candidate)) {
      io.stderr(`Reading ${candidate} (no --config given).\n`);
      return candidate;
    }
  }
  throw new ConfigurationError(
    `no --config given, and neither ${DEFAULT_CONFIG_FILES.join(' nor ')} exists in ${resolve('.')}: pass --config with the path of your desired-state file (\`ai-optout demo\` shows an example)`,
  );
}
