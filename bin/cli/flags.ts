/**
 * Flag values the CLI checks itself, so that every invalid value prints one sentence naming it (cut
 * by `echo` when long) and exits 1: whole numbers, durations and choices (out-file.ts: output files
 * that would overwrite an input). The errors are CommanderErrors with an `ai-optout.` code, which
 * `main` prints (commander prints only its own).
 */
import { CommanderError, Option } from '@commander-js/extra-typings';
import { echo } from '../../lambdas/domain/echo.ts';
import { DURATION_EXAMPLE, parseDuration } from '../../lambdas/domain/snapshot-age.ts';

export const FLAG_ERROR = 'ai-optout.invalidFlag';

export function flagError(message: string): CommanderError {
  return new CommanderError(1, FLAG_ERROR, message);
}

/** `--name <n>`: a whole number of at least `min` written in digits only (`1e3`, `1.5`, `0x10` are refused). */
export function integerOption<const Flags extends string>(
  flags: Flags,
  description: string,
  options: { min: number; default: number },
) {
  const name = flags.split(' ')[0] as string;
  return new Option(flags, description)
    .argParser((value: string): number => {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < options.min) {
        throw flagError(
          `${name} takes a whole number of at least ${options.min} written in digits, such as ${options.default}; \`${echo(value)}\` is not one`,
        );
      }
      return n;
    })
    .default(options.default);
}

/** `--name <age>`: a duration such as `7d`, `36h`, `90m`, kept with the text given (for messages). */
export function durationOption<const Flags extends string>(flags: Flags, description: string) {
  const name = flags.split(' ')[0] as string;
  return new Option(flags, description).argParser((value: string) => {
    const ms = parseDuration(value);
    if (ms === undefined)
      throw flagError(
        `${name} takes a whole number of days, hours or minutes, such as ${DURATION_EXAMPLE}; \`${echo(value)}\` is not one`,
      );
    return { text: value, ms };
  });
}

/** `--name <value>` among `choices` (shown in --help), refused with the choices listed. */
export function choiceOption<const Flags extends string, const Choice extends string>(
  flags: Flags,
  description: string,
  choices: readonly Choice[],
) {
  const name = flags.split(' ')[0] as string;
  // `choices` lists them in --help; the parser (which replaces commander's own check) says what is wrong.
  return new Option(flags, description).choices(choices).argParser((value: string): Choice => {
    if (!(choices as readonly string[]).includes(value))
      throw flagError(
        `${name} takes ${choices.map((c) => `\`${c}\``).join(', ')}; \`${echo(value)}\` is not one of them`,
      );
    return value as Choice;
  });
}

/** Commander's own messages (unknown options, missing values) with each line cut by `echo`. */
export function cutLines(text: string): string {
  return text
    .split('\n')
    .map((line) => echo(line, 400))
    .join('\n');
}

/** The `--out` values that mean standard output. */
const STANDARD_OUTPUT = new Set(['-', '/dev/stdout']);

/** `--out`'s parser: standard output becomes no file (undefined); an empty value is an error (out-file.ts checks the rest). */
export function parseOut(value: string): string | undefined {
  if (value === '') throw flagError('--out is empty: give a file path, or `-` for standard output');
  return STANDARD_OUTPUT.has(value) ? undefined : value;
}
