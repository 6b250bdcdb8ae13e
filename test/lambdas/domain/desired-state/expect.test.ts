/**
 * The `expect` block's own checks (lambdas/domain/policy-types/ai-optout/expect-checks.ts): the service
 * keys it names, each located; one target per exception; and what a valid block loads as.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { formatDiagnostic } from '../../../../lambdas/domain/diagnostics.ts';

/** One valid policy, then these lines under `expect:`. */
function load(lines: string) {
  const yaml = `version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets: [root]\nexpect:\n${lines}`;
  return loadDesiredState(yaml, { file: 'a.yaml' });
}

const diagnose = (lines: string) => load(lines).diagnostics.map(formatDiagnostic);
const KEYS =
  'service keys are lower-case letters and digits, in parts joined by `::` (AWS matches them exactly)';
const ONE_OF = 'an exception names exactly one of `root: true`, `ou:` or `account:`';

describe('expect: what is checked', () => {
  it.each([
    [
      'the service keys of optOut, each at its place; `default` is a key',
      '  optOut: [default, Lex, lexx, comprehend]',
      [
        `a.yaml:7:21: error: expect.optOut: service key \`Lex\` is not valid; ${KEYS}; did you mean \`lex\`?`,
        'a.yaml:7:26: warning: expect.optOut: service key `lexx` is not in the known list; did you mean `lex`?',
      ],
    ],
    [
      "the service keys of an exception, named by the exception's path",
      '  optOut: all\n  except:\n    - ou: Sandbox\n      services: [default, Lex, rekognitio]',
      [
        `a.yaml:10:27: error: expect.except[0].services: service key \`Lex\` is not valid; ${KEYS}; did you mean \`lex\`?`,
        'a.yaml:10:32: warning: expect.except[0].services: service key `rekognitio` is not in the known list; did you mean `rekognition`?',
      ],
    ],
    [
      'an exception of no target',
      '  optOut: all\n  except:\n    - services: [lex]',
      [`a.yaml:9:7: error: expect.except[0]: ${ONE_OF}`],
    ],
    [
      'an exception of two targets',
      '  optOut: all\n  except:\n    - root: true\n      ou: x\n      services: [lex]',
      [`a.yaml:9:7: error: expect.except[0]: ${ONE_OF}, this one has root and ou`],
    ],
    [
      'an exception of three targets',
      '  optOut: all\n  except:\n    - root: true\n      ou: x\n      account: y\n      services: [lex]',
      [`a.yaml:9:7: error: expect.except[0]: ${ONE_OF}, this one has root and ou and account`],
    ],
    [
      'an account id of 3 digits',
      "  optOut: all\n  except:\n    - account: '123'\n      services: [lex]",
      ['a.yaml:9:16: error: expect.except[0].account: `123` has 3 digits; account ids have 12'],
    ],
  ])('%s', (_, lines, diagnostics) => {
    expect(diagnose(lines)).toEqual(diagnostics);
  });
});

describe('expect: what a valid block loads as', () => {
  it('each exception with its target (an OU trimmed) and place, and the place of the block', () => {
    const result = load(
      "  optOut: [default, lex]\n  except:\n    - ou: ' Sandbox '\n      services: [default, lex]\n    - root: true\n      services: [lex]\n    - account: dev\n      services: [lex]",
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.ok && result.state.expect).toEqual({
      optOut: ['default', 'lex'],
      except: [
        {
          target: { ref: { kind: 'ou', ref: 'Sandbox' }, location: { file: 'a.yaml', line: 9, col: 7 } },
          services: ['default', 'lex'],
        },
        {
          target: { ref: { kind: 'root' }, location: { file: 'a.yaml', line: 11, col: 7 } },
          services: ['lex'],
        },
        {
          target: { ref: { kind: 'account', ref: 'dev' }, location: { file: 'a.yaml', line: 13, col: 7 } },
          services: ['lex'],
        },
      ],
      location: { file: 'a.yaml', line: 6, col: 1 },
    });
  });
});
