/**
 * A pull request that changes anything of the `bedrock:` section needs a person: which Bedrock changes
 * weaken a guardrail is not decided yet, so the check never approves one.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { guardrailChanges } from '../../../lambdas/domain/guardrail-changes.ts';
import { EXAMPLE_WITH_BEDROCK } from '../../support/bedrock-section.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';

function state(text: string, file = 'ai-optout.yaml'): DesiredState {
  const loaded = loadDesiredState(text, { file });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.state;
}

const REASON = 'changes the Bedrock policies (bedrock:)';
/** The section's policies alone: `expect` is optional in it. */
const WITHOUT_EXPECT = EXAMPLE_WITH_BEDROCK.slice(
  0,
  EXAMPLE_WITH_BEDROCK.indexOf('  expect:\n    guardrails:'),
);

describe('guardrailChanges and the bedrock section', () => {
  it.each([
    ['adds the section', EXAMPLE_YAML, EXAMPLE_WITH_BEDROCK],
    ['removes it', EXAMPLE_WITH_BEDROCK, EXAMPLE_YAML],
    ['lowers a version', EXAMPLE_WITH_BEDROCK, EXAMPLE_WITH_BEDROCK.replace('version: 3', 'version: 2')],
    ['loosens a rule', EXAMPLE_WITH_BEDROCK, EXAMPLE_WITH_BEDROCK.replace('minVersion: 3', 'minVersion: 1')],
    [
      'moves a target',
      EXAMPLE_WITH_BEDROCK,
      EXAMPLE_WITH_BEDROCK.replace('        - ou: Workloads/Prod', '        - ou: Workloads'),
    ],
    [
      'changes unmanaged',
      EXAMPLE_WITH_BEDROCK,
      EXAMPLE_WITH_BEDROCK.replace('bedrock:\n', 'bedrock:\n  unmanaged: ignore\n'),
    ],
    ['adds a section without expect', EXAMPLE_YAML, WITHOUT_EXPECT],
    ["drops the section's expect", EXAMPLE_WITH_BEDROCK, WITHOUT_EXPECT],
    ["adds the section's expect", WITHOUT_EXPECT, EXAMPLE_WITH_BEDROCK],
  ])('a head that %s needs a person', (_what, base, head) => {
    expect(guardrailChanges(state(base), state(head))).toEqual([REASON]);
  });

  it('the same section, written elsewhere in another file, is no change', () => {
    const moved = EXAMPLE_WITH_BEDROCK.replace('version: 1\n', 'version: 1\n\n\n');

    expect(guardrailChanges(state(EXAMPLE_WITH_BEDROCK, 'base.yaml'), state(moved, 'head.yaml'))).toEqual([]);
  });

  it('the same section without expect on both sides is no change', () => {
    expect(guardrailChanges(state(WITHOUT_EXPECT, 'base.yaml'), state(WITHOUT_EXPECT, 'head.yaml'))).toEqual(
      [],
    );
  });
});
