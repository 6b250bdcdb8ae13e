/** What plan and apply share: the desired state read with its warnings printed, and the report options. */
import { readDesiredStateFile } from '../../lambdas/adapters/files.ts';
import type { Mode } from '../../lambdas/domain/contract.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import type { Diagnostic } from '../../lambdas/domain/diagnostics.ts';
import type { PlanOptions } from '../../lambdas/domain/planner.ts';
import type { FormatName } from '../../lambdas/domain/report/registry.ts';
import { chooseConfig } from './config-file.ts';
import type { CliIo } from './io.ts';
import type { ReportOptions } from './report.ts';
import { printDiagnostics } from './report.ts';

interface PlanningFlags {
  config?: string | undefined;
  format: FormatName;
  mode?: Mode | undefined;
  strict?: true | undefined;
  limit: number;
}

/** Loads the desired state (warnings to stderr) and the plan options the flags ask for. */
export async function loadForPlanning(
  io: CliIo,
  flags: PlanningFlags,
): Promise<{ file: string; state: DesiredState; planOptions: PlanOptions; diagnostics: Diagnostic[] }> {
  const config = await chooseConfig(io, flags.config);
  const { state, diagnostics } = await readDesiredStateFile(config, { strict: flags.strict ?? false });
  printDiagnostics(io, diagnostics);
  return { file: config, state, planOptions: flags.mode ? { mode: flags.mode } : {}, diagnostics };
}

/** The command an action runs for, as far as the actions read it: the program's own flags. */
export interface GlobalFlags {
  optsWithGlobals(): { color: boolean };
}

/** The report options of a command's flags; `--no-color` is the program's. */
export function reportOptions(
  flags: { format: FormatName; limit: number; out?: string | undefined },
  command: GlobalFlags,
): ReportOptions {
  return { format: flags.format, limit: flags.limit, out: flags.out, color: command.optsWithGlobals().color };
}
