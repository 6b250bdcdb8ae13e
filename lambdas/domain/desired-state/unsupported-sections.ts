/**
 * Sections of the file this version validates but cannot act on yet: every command and function that
 * would act on the file refuses it with one sentence, before anything is written, so that a section is
 * never silently ignored or half applied.
 */
import { formatLocation } from '../diagnostics.ts';
import { ConfigurationError } from '../errors.ts';
import type { DesiredState } from './types.ts';

/**
 * Throws a ConfigurationError when the file has a section `doing` (`plan`, `apply`, …) cannot act on;
 * `unless` says where it can, if anywhere.
 */
export function refuseUnsupportedSections(state: DesiredState, doing: string, unless = ''): void {
  if (!state.bedrock) return;
  throw new ConfigurationError(
    `${formatLocation(state.bedrock.location)}: the \`bedrock:\` section declares Amazon Bedrock policies, which this version validates but cannot ${doing} yet${unless}, so nothing was written; remove the section to ${doing} the rest of the file (\`ai-optout validate\` checks it)`,
  );
}
