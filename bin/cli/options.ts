/**
 * The options several commands share, built once so that each means the same everywhere (and is
 * typed by @commander-js/extra-typings from its flags, default and parser).
 */
import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_VERIFY, MODES, VERIFY_SCOPES } from '../../lambdas/domain/contract.ts';
import { organizationsRegionFor } from '../../lambdas/domain/partitions.ts';
import { type FormatName, REPORTS } from '../../lambdas/domain/report/registry.ts';
import { choiceOption, integerOption, parseOut } from './flags.ts';

/**
 * Each command's `--format` choices, by what the registered formats can do: plan offers every format;
 * apply and demo the reports of the plan (not the pull-request tools' findings); validate those that
 * render a check of the file.
 */
export const PLAN_FORMATS = REPORTS.names();
const REPORT_FORMATS = REPORTS.names((format) => format.kind === 'report');
export const VALIDATE_FORMATS = REPORTS.names((format) => format.renderCheck !== undefined);

export function configOption() {
  return new Option(
    '-c, --config <file>',
    'desired-state file (default: ai-optout.yaml, or else config/ai-optout.yaml)',
  );
}

export function strictOption() {
  return new Option('--strict', 'treat unknown service keys as errors');
}

export function formatOption(formats: readonly FormatName[] = REPORT_FORMATS) {
  return choiceOption('--format <format>', 'report format', formats).default('text');
}

export function limitOption() {
  return integerOption('--limit <n>', 'accounts listed per section in text, markdown and HTML reports', {
    min: 1,
    default: 100,
  });
}

export function outOption(description: string) {
  return new Option('-o, --out <file>', `${description}; \`-\` for standard output`).argParser(parseOut);
}

/** The options plan and apply share: the file, the report, the mode override. */
export function addPlanningOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
  formats: readonly FormatName[] = REPORT_FORMATS,
) {
  return command
    .addOption(configOption())
    .addOption(formatOption(formats))
    .addOption(choiceOption('--mode <mode>', "override the file's mode", MODES))
    .addOption(strictOption())
    .addOption(limitOption())
    .addOption(
      choiceOption(
        '--verify <scope>',
        "confirm the locally computed effective policies with AWS's DescribeEffectivePolicy: one account per distinct effective state, every account, or none (a snapshot is never confirmed)",
        VERIFY_SCOPES,
      ).default(DEFAULT_VERIFY),
    );
}

/** The options of the commands that call AWS: where, as whom, how fast. */
export function addLiveOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
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
