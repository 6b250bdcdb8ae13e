/**
 * The `ai-optout` command line (contract section 6). Thin: parse flags, call the domain and adapters,
 * print, and map results and errors onto exit codes (0 in-sync/valid, 2 drift, 1 error).
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { readDesiredStateFile, readSnapshotFile, writeTextFile } from '../../lambdas/adapters/files.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { Mode } from '../../lambdas/domain/desired-state/types.ts';
import { type Diagnostic, formatDiagnostic } from '../../lambdas/domain/diagnostics.ts';
import { ConfigurationError, describeError, ERROR_EXIT_CODE } from '../../lambdas/domain/errors.ts';
import { type Plan, plan } from '../../lambdas/domain/planner.ts';
import { renderJson } from '../../lambdas/domain/report/json.ts';
import { renderMarkdown } from '../../lambdas/domain/report/markdown.ts';
import { renderText } from '../../lambdas/domain/report/text.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal that takes colours. */
  color: boolean;
  now(): Date;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  now: () => new Date(),
};

export const EXIT_OK = 0;
export const EXIT_DRIFT = 2;

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
  return new Option('--format <format>', 'report format')
    .choices(['text', 'json', 'markdown'])
    .default('text');
}

function limitOption(): Option {
  return new Option('--limit <n>', 'accounts listed per section in text and markdown reports')
    .argParser((value) => {
      const n = Number.parseInt(value, 10);
      if (!Number.isInteger(n) || n < 1)
        throw new CommanderError(1, 'ai-optout.limit', `--limit must be a positive integer, not ${value}`);
      return n;
    })
    .default(100);
}

function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
}

function render(result: Plan, options: ReportOptions, io: CliIo): string {
  switch (options.format) {
    case 'json':
      return renderJson(result, io.now());
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

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('ai-optout')
    .description(
      'Keeps AWS Organizations AI services opt-out policies in the state declared in ai-optout.yaml:\n' +
        "validates the file, computes every account's effective setting, plans and applies the difference.",
    )
    .option('--debug', 'print stack traces on errors')
    .option('--no-color', 'plain text output')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();

  program
    .command('validate')
    .description('check the desired-state file offline (exit 0 valid, 1 invalid)')
    .option('-c, --config <file>', 'desired-state file', DEFAULT_CONFIG)
    .option('--strict', 'treat unknown service keys as errors')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: { config: string; strict?: boolean; format: 'text' | 'json' }) => {
      const text = await readFile(options.config, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new ConfigurationError(
          error.code === 'ENOENT'
            ? `config file ${options.config} does not exist`
            : `cannot read ${options.config}: ${error.message}`,
        );
      });
      const result = loadDesiredState(text, { file: options.config, strict: options.strict ?? false });
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
      setExit(result.ok ? EXIT_OK : ERROR_EXIT_CODE);
    });

  program
    .command('plan')
    .description('compare the desired state with the organization (exit 0 in-sync, 2 drift, 1 error)')
    .option('-c, --config <file>', 'desired-state file', DEFAULT_CONFIG)
    .option(
      '-s, --snapshot <file>',
      'plan against an organization snapshot file instead of the live organization',
    )
    .addOption(formatOption())
    .option('-o, --out <file>', 'write the report to a file and print only the summary')
    .addOption(new Option('--mode <mode>', "override the file's mode").choices(['audit', 'enforce']))
    .option('--strict', 'treat unknown service keys as errors')
    .addOption(limitOption())
    .action(
      async (options: {
        config: string;
        snapshot?: string;
        format: Format;
        out?: string;
        mode?: Mode;
        strict?: boolean;
        limit: number;
      }) => {
        const { state, diagnostics } = await readDesiredStateFile(options.config, {
          strict: options.strict ?? false,
        });
        printDiagnostics(io, diagnostics);
        if (!options.snapshot) {
          throw new ConfigurationError(
            'Live mode is not available yet: pass --snapshot FILE to plan against an organization snapshot.',
          );
        }
        const snapshot = await readSnapshotFile(options.snapshot);
        const result = plan(state, snapshot, options.mode ? { mode: options.mode } : {});
        await emitReport(result, options, io);
        setExit(result.verdict === 'in-sync' ? EXIT_OK : EXIT_DRIFT);
      },
    );

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
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? EXIT_OK
        : ERROR_EXIT_CODE;
    }
    io.stderr(`error: ${describeError(error)}\n`);
    if (program.opts().debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return ERROR_EXIT_CODE;
  }
}
