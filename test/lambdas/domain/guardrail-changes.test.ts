/**
 * What in a pull request a person must review (lambdas/domain/guardrail-changes.ts,
 * docs/pull-requests.md): the head's changes to `expect`, a policy's `lock`, `unmanaged` and `mode`, and
 * the effective changes that open an AI service to an account's content.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { guardrailChanges, opensService } from '../../../lambdas/domain/guardrail-changes.ts';

function state(text: string): DesiredState {
  const result = loadDesiredState(text, { file: 'ai-optout.yaml' });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.state;
}

const policy = (name: string, lock: string) =>
  `  - name: ${name}\n    default: optOut\n    lock: ${lock}\n    targets: [root]\n`;
const file = (policies: string, rest = '') => state(`version: 1\n${rest}policies:\n${policies}`);
const EXPECT = `expect:
  optOut: [lex, polly]
  except:
    - ou: Sandbox
      services: [lex, polly]
    - account: dev
      services: [polly]
`;
const base = file(policy('a', 'declared'), EXPECT);

describe('guardrailChanges', () => {
  it.each<[string, DesiredState, string[]]>([
    ['nothing', file(policy('a', 'declared'), EXPECT), []],
    [
      'expect written in another order',
      file(
        policy('a', 'declared'),
        'expect:\n  except:\n    - account: dev\n      services: [polly]\n    - ou: Sandbox\n      services: [polly, lex]\n  optOut: [polly, lex]\n',
      ),
      [],
    ],
    [
      'a service of optOut',
      file(policy('a', 'declared'), EXPECT.replace('[lex, polly]', '[lex]')),
      ['changes expect'],
    ],
    [
      'a service of an exception',
      file(policy('a', 'declared'), EXPECT.replace('services: [polly]', 'services: [lex]')),
      ['changes expect'],
    ],
    [
      "an exception's target",
      file(policy('a', 'declared'), EXPECT.replace('ou: Sandbox', 'ou: Dev')),
      ['changes expect'],
    ],
    ['optOut all', file(policy('a', 'declared'), EXPECT.replace('[lex, polly]', 'all')), ['changes expect']],
    ['no expect', file(policy('a', 'declared')), ['removes expect']],
    ['a lock', file(policy('a', 'none'), EXPECT), ['changes the lock of a from declared to none']],
    ['a policy locked all added', file(policy('a', 'declared') + policy('b', 'all'), EXPECT), []],
    [
      'a policy locked less added',
      file(policy('a', 'declared') + policy('b', 'none'), EXPECT),
      ['adds policy b with lock none'],
    ],
    ['a locked policy removed', file(policy('b', 'all'), EXPECT), ['removes policy a and its lock declared']],
    [
      'unmanaged and mode',
      file(policy('a', 'declared'), `mode: enforce\nunmanaged: detach\n${EXPECT}`),
      ['changes unmanaged from report to detach', 'changes mode from audit to enforce'],
    ],
  ])('%s', (_, head, changes) => {
    expect(guardrailChanges(base, head)).toEqual(changes);
  });

  it('a policy without a lock removed, and expect added', () => {
    expect(
      guardrailChanges(
        file(policy('a', 'declared') + policy('b', 'none')),
        file(policy('a', 'declared'), EXPECT),
      ),
    ).toEqual(['changes expect']);
  });
});

describe('opensService', () => {
  it.each([
    ['optOut', 'optIn', true],
    ['unset', 'optIn', true],
    ['optOut', 'unset', true],
    ['optIn', 'unset', false],
    ['unset', 'optOut', false],
    ['optIn', 'optOut', false],
  ] as const)('%s → %s: %s', (from, to, opens) => {
    expect(opensService({ from, to })).toBe(opens);
  });
});
