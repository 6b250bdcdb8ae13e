/**
 * Repeated keys of a JSON text (lambdas/domain/json-keys.ts): JSON.parse keeps the last of two equal
 * keys, so the job refuses UserParameters that repeat one (docs/pipeline-job.md, Parameters). Only texts
 * JSON.parse accepts are given to the scan: each case below is checked to parse first.
 */
import { describe, expect, it } from 'vitest';
import { repeatedKeys } from '../../../lambdas/domain/json-keys.ts';

const cases: [string, string, string[]][] = [
  ['a key twice', '{"failOn":"drift","failOn":"never"}', ['failOn']],
  ['no key twice', '{"configPath":"a.yaml","failOn":"drift"}', []],
  ['a key three times, named once', '{"a":1,"a":2,"a":3}', ['a']],
  ['in the order the second occurrence comes', '{"b":1,"a":1,"a":2,"b":2}', ['a', 'b']],
  ['compared decoded', '{"\\u0066ailOn":"drift","failOn":"never"}', ['failOn']],
  ['a value equal to a key is no key', '{"a":"b","b":1}', []],
  ['equal values are no keys', '{"a":"x","b":"x"}', []],
  ['strings of an array are no keys', '{"a":["k","k"],"b":1}', []],
  ['the same key in two objects is no repetition', '{"a":{"x":1},"b":{"x":2}}', []],
  ['the same key in two objects of an array', '[{"a":1},{"a":1}]', []],
  ['inside a nested object', '{"a":{"b":1,"b":2}}', ['b']],
  ['after a nested object closes', '{"a":{"b":1},"a":2}', ['a']],
  ['after an array closes', '{"a":[1,2],"a":2}', ['a']],
  ['after a nested array of objects closes', '{"a":[{"a":1}],"c":{"a":1},"a":3}', ['a']],
  ['brackets, commas and colons inside strings are text', '{"{":"}","[":"]",",":":","{":1}', ['{']],
  ['escaped quotes inside a key', '{"a\\"":1,"a\\"":2}', ['a"']],
  ['a key ending in an escaped backslash', '{"a\\\\":1,"b":2,"a\\\\":3}', ['a\\']],
  ['whitespace between tokens', '{ "a" : 1 ,\n  "a" : 2 }', ['a']],
  ['a string alone', '"a"', []],
  ['an empty object', '{}', []],
];

describe('repeatedKeys', () => {
  it.each(cases)('%s', (_, json, repeated) => {
    JSON.parse(json);
    expect(repeatedKeys(json)).toEqual(repeated);
  });
});
