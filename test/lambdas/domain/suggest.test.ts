/**
 * "Did you mean" (lambdas/domain/suggest.ts): the candidate with the same letters in another case, else
 * the nearest by edit distance within a third of the input's length (at least 1, at most 3), the first
 * of equally near ones; nothing when none is that near.
 */
import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../../lambdas/domain/suggest.ts';

describe('closest', () => {
  it.each<[string, string[], string | undefined]>([
    ['LEX', ['lexx', 'lex'], 'lex'],
    ['lexx', ['polly', 'lex'], 'lex'],
    ['rekognitio', ['rekognition', 'comprehend'], 'rekognition'],
    ['recognition', ['rekognition'], 'rekognition'],
    ['comprehnd', ['comprehend'], 'comprehend'],
    ['tarnscribe', ['transcribe'], 'transcribe'],
    ['lex', ['lax', 'lux'], 'lax'],
    ['lex', ['lux', 'le', 'lex'], 'lex'],
    ['kitten', ['sitting'], undefined],
    ['kittens', ['sitting'], undefined],
    ['abc', ['xyz'], undefined],
    ['ab', ['abcd'], undefined],
    ['a', ['ab', 'b'], 'ab'],
    ['abcdef', ['abcdefgh'], 'abcdefgh'],
    ['abcdef', ['abcdefghi'], undefined],
    ['abcdefghijklmno', ['abcdefghijklmnoxyz'], 'abcdefghijklmnoxyz'],
    ['abcdefghijklmno', ['abcdefghijklmnowxyz'], undefined],
    ['abcdefghijklmno', ['xbcdefghijklmxyz'], undefined],
    ['optout', [], undefined],
    ['abcdef', ['xxabcd'], undefined],
    ['a', ['xy'], undefined],
    ['abcdef', ['abcdxx'], 'abcdxx'],
  ])('%s among %j: %s', (input, candidates, found) => {
    expect(closest(input, candidates)).toBe(found);
  });

  it('reads any iterable once, and says it as a question', () => {
    expect(closest('Sandbx', new Map([['Sandbox', 1]]).keys())).toBe('Sandbox');
    expect(didYouMean('optot', ['optOut', 'optIn'])).toBe('did you mean `optOut`?');
    expect(didYouMean('zzz', ['optOut'])).toBeUndefined();
  });
});
