/** What `ai-optout validate` does (commands/validate.ts declares it). */
import { readConfigBytes } from '../../../lambdas/adapters/files.ts';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import { EXIT_ERROR, EXIT_OK } from '../../../lambdas/domain/errors.ts';
import type { ValidateFlags } from '../commands/validate.ts';
import { chooseConfig } from '../config-file.ts';
import type { CommandContext } from '../program.ts';
import { renderCheck } from '../report.ts';

export async function validate(options: ValidateFlags, { io, setExit }: CommandContext): Promise<void> {
  const config = await chooseConfig(io, options.config);
  const bytes = await readConfigBytes(config);
  const result = loadDesiredState(bytes, { file: config, strict: options.strict ?? false });
  const { output, messages } = renderCheck(options.format, {
    file: config,
    diagnostics: result.diagnostics,
    state: result.ok ? result.state : undefined,
  });
  if (messages) io.stderr(messages);
  if (output) io.stdout(output);
  setExit(result.ok ? EXIT_OK : EXIT_ERROR);
}
