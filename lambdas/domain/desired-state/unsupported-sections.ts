/**
 * Sections of the file this version validates but cannot act on yet: every command and function that
 * would act on the file refuses it with one sentence, before anything is written, so that a section is
 * never silently ignored or half applied.
 */
import { formatLocation } from '../diagnostics.ts';
import { ConfigurationError } from '../errors.ts';
import type { BedrockSection } from './types.ts';

/**
 * Throws a ConfigurationError for a `bedrock:` section that `doing` (`plan`, …) cannot act on; the
 * caller decides when it cannot, and `unless` says where it can.
 */
export function refuseUnsupportedSections(section: BedrockSection, doing: string, unless: string): never {
  throw new ConfigurationError(
    `${formatLocation(section.location)}: the \`bedrock:\` section declares Amazon Bedrock policies, which this version validates but cannot ${doing} yet${unless}, so nothing was written; remove the section to ${doing} the rest of the file (\`ai-optout validate\` checks it)`,
  );
}
