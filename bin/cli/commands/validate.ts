/** `ai-optout validate`: checks the desired-state file offline (exit 0 valid, 1 invalid). */
import { choiceOption } from '../flags.ts';
import { configOption, strictOption, VALIDATE_FORMATS } from '../options.ts';
import type { CommandContext, FlagsOf, Program } from '../program.ts';

function validateCommand(program: Program) {
  return program
    .command('validate')
    .description('check the desired-state file offline (exit 0 valid, 1 invalid)')
    .addOption(configOption())
    .addOption(strictOption())
    .addOption(choiceOption('--format <format>', 'output format', VALIDATE_FORMATS).default('text'));
}

export type ValidateFlags = FlagsOf<typeof validateCommand>;

export function addValidateCommand(program: Program, context: CommandContext): void {
  // What the command does (the YAML parser, the schema) is loaded only when it runs: --help stays light.
  validateCommand(program).action(async (options) =>
    (await import('../actions/validate.ts')).validate(options, context),
  );
}
