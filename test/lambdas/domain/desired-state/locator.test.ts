/**
 * How messages name a place and a value of the desired state (lambdas/domain/desired-state/locator.ts):
 * `policies[0].targets[1]`, values quoted in backticks, and the value at a path of the built file.
 */
import { describe, expect, it } from 'vitest';
import { formatPath, show, valueAt } from '../../../../lambdas/domain/desired-state/locator.ts';

describe('locator', () => {
  it.each([
    [[], '(top level)'],
    [['policies'], 'policies'],
    [['policies', 0, 'targets', 1], 'policies[0].targets[1]'],
    [[0, 'name'], '[0].name'],
    [['expect', 'except', 2, 'services', 0], 'expect.except[2].services[0]'],
  ])('the path %j reads %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });

  it.each([
    ['text', '`text`'],
    [5, '`5`'],
    [null, '`null`'],
    [undefined, 'nothing'],
    [{ a: [1] }, '`{"a":[1]}`'],
    [Number.NaN, '`null`'],
  ])('the value %s is shown as %s', (value, text) => {
    expect(show(value)).toBe(text);
  });

  it('the value at a path; undefined past a scalar, null or a missing key', () => {
    const root = { policies: [{ name: 'a', targets: null }] };
    expect(valueAt(root, ['policies', 0, 'name'])).toBe('a');
    expect(valueAt(root, [])).toBe(root);
    expect(valueAt(root, ['policies', 0, 'name', 0])).toBeUndefined();
    expect(valueAt(root, ['policies', 0, 'targets', 0])).toBeUndefined();
    expect(valueAt(root, ['expect', 'optOut'])).toBeUndefined();
  });
});
