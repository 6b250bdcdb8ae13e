/**
 * The one example desired state of the tests: the repository's config/ai-optout.yaml (three policies, a
 * Sandbox exception, an `expect` guardrail), which the docs, the demo and the pipeline's own source use.
 * Tests that need a variant derive it from this text rather than inlining another copy.
 */
import { readFileSync } from 'node:fs';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';

/** The file's path from the repository root, as loaders and reports name it. */
export const EXAMPLE_FILE = 'config/ai-optout.yaml';

/** The file's text. */
export const EXAMPLE_YAML = readFileSync(new URL(`../../${EXAMPLE_FILE}`, import.meta.url), 'utf8');

/** The file loaded and validated (named `file`, `config/ai-optout.yaml` unless given). */
export function exampleDesiredState(file = EXAMPLE_FILE): DesiredState {
  const loaded = loadDesiredState(EXAMPLE_YAML, { file });
  if (!loaded.ok)
    throw new Error(`${EXAMPLE_FILE} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  return loaded.state;
}

/** The demo's file: the text above followed by a `bedrock:` section (config/ai-optout.yaml leaves it out). */
export const DEMO_FILE = 'examples/ai-optout.yaml';

export const DEMO_YAML = readFileSync(new URL(`../../${DEMO_FILE}`, import.meta.url), 'utf8');
