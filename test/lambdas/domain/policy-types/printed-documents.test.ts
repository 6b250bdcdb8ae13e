/**
 * What both types' readings of AWS's printed effective policy share (policy-types/printed-documents.ts)
 * [ORG-AI-EFFECTIVE-DOCUMENT]: the content as a JSON object, no effective policy for absent or blank
 * content, and the settings where the local computation and AWS's answer differ.
 */
import { describe, expect, it } from 'vitest';
import {
  printedObject,
  settingDifferences,
} from '../../../../lambdas/domain/policy-types/printed-documents.ts';

describe("AWS's printed content as a JSON object", () => {
  it.each([
    ['absent content: no effective policy', undefined, { empty: true }],
    ['empty content: no effective policy', '', { empty: true }],
    ['blank content: no effective policy', ' \n\t', { empty: true }],
    ['an object', '{"services":{"default":{}}}', { object: { services: { default: {} } } }],
    ['not JSON', '{"services":', { error: 'the effective policy is not JSON' }],
    ['a JSON list', '[]', { error: 'the effective policy is not a JSON object' }],
    ['JSON null', 'null', { error: 'the effective policy is not a JSON object' }],
    ['a JSON string', '"policy"', { error: 'the effective policy is not a JSON object' }],
  ])('%s', (_name, content, read) => {
    expect(printedObject(content)).toEqual(read);
  });
});

describe('the settings where local and AWS differ', () => {
  const local = new Map([
    ['rekognition', 'optOut'],
    ['default', 'optOut'],
    ['lex', 'optIn'],
  ]);
  const aws = new Map([
    ['lex', 'optIn'],
    ['default', 'optIn'],
    ['comprehend', 'optOut'],
  ]);

  it('names each setting whose values differ, absent on the side that lacks it, in the order given', () => {
    const defaultFirst = (a: string, b: string) =>
      a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : a > b ? 1 : 0;

    expect(settingDifferences(local, aws, defaultFirst)).toEqual([
      { service: 'default', local: 'optOut', aws: 'optIn' },
      { service: 'comprehend', local: 'absent', aws: 'optOut' },
      { service: 'rekognition', local: 'optOut', aws: 'absent' },
    ]);
  });

  it('without an order, in the sort order of the names', () => {
    expect(settingDifferences(local, aws).map((d) => d.service)).toEqual([
      'comprehend',
      'default',
      'rekognition',
    ]);
  });

  it('none when both sides hold the same settings', () => {
    expect(settingDifferences(local, new Map(local))).toEqual([]);
  });
});
