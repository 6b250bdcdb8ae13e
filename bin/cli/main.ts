/**
 * The `ai-optout` command line (contract section 6). Thin: parse flags, call the domain and adapters,
 * print, and map results and errors onto exit codes (0 in-sync/valid, 2 drift, 1 error).
 */

import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, type Option } from 'commander';
import { withAbortSignal } from '../../lambdas/adapters/aws/bounded-calls.ts';
import { createOrganizationsClient, sessionNameFor } from '../../lambdas/adapters/aws/clients.ts';
import {
  readConfigBytes,
  readDesiredStateFile,
  readSnapshotFile,
  writeSnapshotFile,
  writeTextFile,
} from '../../lambdas/adapters/files.ts';
import type { AppliedStep } from '../../lambdas/adapters/organizations/applier.ts';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { MODES, type Mode } from '../../lambdas/domain/contract.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { type Diagnostic, formatDiagnostic } from '../../lambdas/domain/diagnostics.ts';
import {
  ConfigurationError,
  describeError,
  EXIT_DRIFT,
  EXIT_ERROR,
  EXIT_OK,
} from '../../lambdas/domain/errors.ts';
import { organizationsRegionFor } from '../../lambdas/domain/partitions.ts';
import { type Plan, plan } from '../../lambdas/domain/planner.ts';
import { renderJson } from '../../lambdas/domain/report/json.ts';
import { renderMarkdown } from '../../lambdas/domain/report/markdown.ts';
import { renderText } from '../../lambdas/domain/report/text.ts';
import { serializeSnapshot } from '../../lambdas/domain/snapshot.ts';
import {
  actionableChanges,
  applyPlanned,
  planLive,
  type ReconcileOptions,
  readLive,
} from '../../lambdas/reconciler.ts';
import { choiceOption, cutLines, FLAG_ERROR, integerOption, refuseToOverwrite } from './flags.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal that takes colours. */
  color: boolean;
  now(): Date;
  /** Whether a person can answer a prompt (standard input is a terminal). */
  interactive: boolean;
  /** Asks a question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
  /** Reconciler options for live commands; tests inject a client pointed at the emulator. */
  live?: (options: LiveFlags) => ReconcileOptions;
}

export interface LiveFlags {
  region: string;
  roleArn?: string;
  pace: 'published' | 'none';
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  now: () => new Date(),
  interactive: Boolean(process.stdin.isTTY),
  ask: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

/** The live reconciler options; every call of their client ends when the command does (`stop`). */
function liveOptions(io: CliIo, flags: LiveFlags, stop: AbortSignal): ReconcileOptions {
  const options = io.live
    ? io.live(flags)
    : {
        client: createOrganizationsClient({
          region: flags.region,
          ...(flags.roleArn ? { roleArn: flags.roleArn, sessionName: sessionNameFor('cli') } : {}),
          abortSignal: stop,
        }),
        throttle: new Throttle({ rates: flags.pace }),
      };
  return { ...options, client: withAbortSignal(options.client, stop) };
}

function addLiveOptions(command: Command): Command {
  const runRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  return command
    .option(
      '--region <region>',
      'region of the Organizations endpoint, and of STS for --role-arn; by default the Organizations region of the partition of AWS_REGION (or AWS_DEFAULT_REGION): us-east-1, cn-northwest-1 (China)',
      organizationsRegionFor(runRegion),
    )
    .option('--role-arn <arn>', 'assume this role through STS first')
    .addOption(
      choiceOption(
        '--pace <mode>',
        "client-side pacing of API calls: AWS's published per-operation rates, or none (emulators)",
        ['published', 'none'],
      ).default('published'),
    );
}

/** The package's own folder, so `demo` finds the bundled example from any working directory. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLE_CONFIG = `${packageRoot}config/ai-optout.yaml`;
export const EXAMPLE_SNAPSHOT = `${packageRoot}examples/lza-organization.snapshot.json`;
const DEFAULT_CONFIG = 'config/ai-optout.yaml';

type Format = 'text' | 'json' | 'markdown';

interface ReportOptions {
  format: Format;
  out?: string;
  limit?: number;
  color?: boolean;
}

function formatOption(): Option {
  return choiceOption('--format <format>', 'report format', ['text', 'json', 'markdown']).default('text');
}

function limitOption(): Option {
  return integerOption('--limit <n>', 'accounts listed per section in text and markdown reports', {
    min: 1,
    default: 100,
  });
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
}

function describeStep(step: AppliedStep): string {
  const mark = step.outcome === 'done' ? '✓' : step.outcome === 'already-done' ? '=' : '·';
  return `  ${mark} ${step.action} ${step.policy ?? ''}${step.targetPath ? ` → ${step.targetPath}` : ''}${step.outcome === 'done' ? '' : ` (${step.detail})`}`;
}

function render(result: Plan, options: ReportOptions, io: CliIo, applied?: AppliedStep[]): string {
  switch (options.format) {
    case 'json':
      return renderJson(result, io.now(), applied);
    case 'markdown':
      return renderMarkdown(result, { limit: options.limit });
    default:
      return renderText(result, { color: (options.color ?? io.color) && !options.out, limit: options.limit });
  }
}

async function emitReport(result: Plan, options: ReportOptions, io: CliIo): Promise<void> {
  const text = render(result, options, io);
  if (options.out) {
    await writeTextFile(options.out, text);
    io.stdout(`${result.summary}\nReport written to ${options.out}\n`);
  } else io.stdout(text);
}

interface PlanningFlags {
  config: string;
  format: Format;
  mode?: Mode;
  strict?: boolean;
  limit: number;
}

/** The options plan and apply share: the file, the report, the mode override. */
function addPlanningOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'desired-state file', DEFAULT_CONFIG)
    .addOption(formatOption())
    .addOption(choiceOption('--mode <mode>', "override the file's mode", MODES))
    .option('--strict', 'treat unknown service keys as errors')
    .addOption(limitOption());
}

/** Loads the desired state (warnings to stderr) and the plan options the flags ask for. */
async function loadForPlanning(io: CliIo, flags: PlanningFlags) {
  const { state, diagnostics } = await readDesiredStateFile(flags.config, { strict: flags.strict ?? false });
  printDiagnostics(io, diagnostics);
  return { state, planOptions: flags.mode ? { mode: flags.mode } : {} };
}

export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  stop: AbortSignal = new AbortController().signal,
): Command {
  const program = new Command();
  program
    .name('ai-optout')
    .description(
      "Keeps AWS Organizations AI services opt-out policies in the state declared in ai-optout.yaml: validates the file, computes every account's effective setting, plans and applies the difference. Docs: docs/cli.md",
    )
    .option('--debug', 'print stack traces on errors')
    .option('--no-color', 'plain text output')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(cutLines(s)),
    })
    .exitOverride();

  program
    .command('validate')
    .description('check the desired-state file offline (exit 0 valid, 1 invalid)')
    .option('-c, --config <file>', 'desired-state file', DEFAULT_CONFIG)
    .option('--strict', 'treat unknown service keys as errors')
    .addOption(choiceOption('--format <format>', 'output format', ['text', 'json']).default('text'))
    .action(async (options: { config: string; strict?: boolean; format: 'text' | 'json' }) => {
      const bytes = await readConfigBytes(options.config);
      const result = loadDesiredState(bytes, { file: options.config, strict: options.strict ?? false });
      if (options.format === 'json') {
        io.stdout(
          `${JSON.stringify({ file: options.config, valid: result.ok, diagnostics: result.diagnostics }, null, 2)}\n`,
        );
      } else {
        printDiagnostics(io, result.diagnostics);
        if (result.ok) {
          const targets = result.state.policies.reduce((n, p) => n + p.targets.length, 0);
          const warnings = result.diagnostics.length;
          io.stdout(
            `${options.config}: valid (${result.state.policies.length} polic${result.state.policies.length === 1 ? 'y' : 'ies'}, ${targets} target${targets === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`,
          );
        } else {
          const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
          io.stderr(`${options.config}: invalid (${errors} error${errors === 1 ? '' : 's'})\n`);
        }
      }
      setExit(result.ok ? EXIT_OK : EXIT_ERROR);
    });

  addLiveOptions(addPlanningOptions(program.command('plan')))
    .description('compare the desired state with the organization (exit 0 in-sync, 2 drift, 1 error)')
    .option(
      '-s, --snapshot <file>',
      'plan against an organization snapshot file instead of the live organization',
    )
    .option('-o, --out <file>', 'write the report to a file and print only the summary')
    .action(async (options: PlanningFlags & LiveFlags & { snapshot?: string; out?: string }) => {
      if (options.out)
        await refuseToOverwrite(options.out, [
          { flag: '--config', path: options.config },
          { flag: '--snapshot', path: options.snapshot },
        ]);
      const { state, planOptions } = await loadForPlanning(io, options);
      const result = options.snapshot
        ? plan(state, await readSnapshotFile(options.snapshot), planOptions)
        : (await planLive(state, liveOptions(io, options, stop), planOptions)).plan;
      await emitReport(result, options, io);
      setExit(result.verdict === 'in-sync' ? EXIT_OK : EXIT_DRIFT);
    });

  addLiveOptions(addPlanningOptions(program.command('apply')))
    .description(
      'plan against the live organization, carry the plan out, then verify (exit 0 in sync, 2 still drifting, 1 error)',
    )
    .option('-y, --yes', 'apply without asking (required when standard input is not a terminal)')
    .action(async (options: PlanningFlags & LiveFlags & { yes?: boolean }) => {
      const { state, planOptions } = await loadForPlanning(io, options);
      const reconcile = liveOptions(io, options, stop);
      const planned = await planLive(state, reconcile, planOptions);
      const before = planned.plan;
      const todo = actionableChanges(before);
      const progress = options.format === 'text' ? io.stdout : io.stderr;
      if (options.format === 'text') io.stdout(render(before, options, io));
      if (todo.length === 0) {
        progress('\nNothing to apply.\n');
        if (options.format !== 'text') io.stdout(render(before, options, io));
        setExit(before.verdict === 'in-sync' ? EXIT_OK : EXIT_DRIFT);
        return;
      }
      if (!options.yes) {
        if (!io.interactive) {
          throw new ConfigurationError(
            `apply needs confirmation: standard input is not a terminal, so pass --yes to apply ${todo.length} change${todo.length === 1 ? '' : 's'} to ${before.organization.id}`,
          );
        }
        const answer = await io.ask(
          `\nApply ${todo.length} change${todo.length === 1 ? '' : 's'} to organization ${before.organization.id}? Only 'yes' is accepted: `,
        );
        if (answer.trim() !== 'yes') {
          io.stderr('Apply cancelled; nothing was changed.\n');
          setExit(EXIT_ERROR);
          return;
        }
      }
      progress(`\nApplying ${todo.length} change${todo.length === 1 ? '' : 's'}:\n`);
      const result = await applyPlanned(
        state,
        planned,
        {
          ...reconcile,
          apply: { ...reconcile.apply, onStep: (step) => progress(`${describeStep(step)}\n`) },
        },
        planOptions,
      );
      if (options.format === 'text') {
        progress(
          `\nVerified by reading the organization again (${result.verifyReads} read${result.verifyReads === 1 ? '' : 's'}).\n`,
        );
        if (!result.converged) {
          progress(
            `Changes still planned after apply (${actionableChanges(result.after).length}); run apply again or read the plan below:\n`,
          );
          io.stdout(render(result.after, options, io));
        } else io.stdout(`${result.after.summary}\n`);
      } else io.stdout(render(result.after, options, io, result.steps));
      setExit(result.after.verdict === 'in-sync' ? EXIT_OK : EXIT_DRIFT);
    });

  addLiveOptions(program.command('snapshot'))
    .description('read the organization into a snapshot file, for plan --snapshot (exit 0, or 1 on error)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string } & LiveFlags) => {
      const snapshot = await readLive(liveOptions(io, options, stop));
      if (options.out) {
        await writeSnapshotFile(options.out, snapshot);
        io.stderr(
          `Wrote ${options.out}: ${snapshot.accounts.length} accounts, ${snapshot.organizationalUnits.length} OUs, ${snapshot.policies.length} AI opt-out policies.\n`,
        );
      } else io.stdout(serializeSnapshot(snapshot));
      setExit(EXIT_OK);
    });

  program
    .command('demo')
    .description(
      'plan the bundled example configuration against the bundled example LZA organization (no AWS access)',
    )
    .addOption(formatOption())
    .addOption(limitOption())
    .action(async (options: { format: Format; limit: number }) => {
      const { state } = await readDesiredStateFile(EXAMPLE_CONFIG);
      const snapshot = await readSnapshotFile(EXAMPLE_SNAPSHOT);
      if (options.format === 'text') {
        io.stdout(
          'Demo: planning config/ai-optout.yaml against examples/lza-organization.snapshot.json, an example LZA\n' +
            'organization with drift in it. No AWS credentials are used. Exit code: 0 (plan itself exits 2 on drift).\n\n',
        );
      }
      const result = plan(state, snapshot);
      await emitReport(result, options, io);
      setExit(EXIT_OK);
    });

  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const stop = new AbortController();
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    stop.signal,
  );
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // Commander has printed its own errors; ours (a flag value the CLI checks itself) are printed here.
    if (error instanceof CommanderError && error.code !== FLAG_ERROR) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? EXIT_OK
        : EXIT_ERROR;
    }
    io.stderr(`error: ${describeError(error)}\n`);
    if (program.opts().debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_ERROR;
  } finally {
    // Calls still in flight (siblings of one that failed) end with the command.
    stop.abort(new Error('the command has ended'));
  }
}
