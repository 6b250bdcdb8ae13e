/** What `ai-optout validate` does (commands/validate.ts declares it). */
import { readConfigBytes } from '../../../lambdas/adapters/files.ts';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import { EXIT_ERROR, EXIT_OK } from '../../../lambdas/domain/errors.ts';
import { plural } from '../../../lambdas/domain/plural.ts';
import type { ValidateFlags } from '../commands/validate.ts';
import { chooseConfig } from '../config-file.ts';
import { isReviewFormat } from '../options.ts';
import type { CommandContext } from '../program.ts';
import { printDiagnostics, renderFindings } from '../report.ts';

export async function validate(options: ValidateFlags, { io, setExit }: CommandContext): Promise<void> {
  const config = await chooseConfig(io, options.config);
  const bytes = await readConfigBytes(config);
  const result = loadDesiredState(bytes, { file: config, strict: options.strict ?? false });
  if (isReviewFormat(options.format)) {
    io.stdout(renderFindings(options.format, config, { diagnostics: result.diagnostics }));
  } else if (options.format === 'json') {
    const report = { file: config, valid: result.ok, diagnostics: result.diagnostics };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    printDiagnostics(io, result.diagnostics);
    if (result.ok) {
      const targets = result.state.policies.reduce((n, p) => n + p.targets.length, 0);
      const warnings = result.diagnostics.length;
      const counts = `${plural(result.state.policies.length, 'policy', 'policies')}, ${plural(targets, 'target')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
      io.stdout(`${config}: valid (${counts})\n`);
    } else {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      io.stderr(`${config}: invalid (${plural(errors, 'error')})\n`);
    }
  }
  setExit(result.ok ? EXIT_OK : EXIT_ERROR);
}
