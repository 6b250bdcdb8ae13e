/**
 * Effective policies as AWS prints them (lambdas/domain/policy-types/ai-optout/printed.ts)
 * [ORG-AI-EFFECTIVE-DOCUMENT]: the local state in that form, AWS's document read back, the services
 * where the two differ (`default` first, then by key: the order the report lists them in), and AWS's
 * values attributed to the policy that set them.
 */
import { describe, expect, it } from 'vitest';
import type { OrgNode } from '../../../../lambdas/domain/organization.ts';
import {
  OPS_ALL,
  OPS_NONE,
  parsePolicyDocument,
} from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import type { EffectiveState } from '../../../../lambdas/domain/policy-types/ai-optout/engine.ts';
import {
  awsStateOf,
  differences,
  documentOf,
  effectiveDocument,
  parseEffectiveDocument,
  serviceInPath,
} from '../../../../lambdas/domain/policy-types/ai-optout/printed.ts';

function node(id: string): OrgNode {
  return { id, type: 'ORGANIZATIONAL_UNIT', name: id, parentId: undefined, path: `Root/${id}`, children: [] };
}

function policy(id: string, services: Record<string, string>) {
  const content = JSON.stringify({
    services: Object.fromEntries(
      Object.entries(services).map(([key, value]) => [key, { opt_out_policy: { '@@assign': value } }]),
    ),
  });
  return { id, name: `name-${id}`, document: parsePolicyDocument(content) };
}

const ours = { policyId: 'p-ours0001', policyName: 'baseline', nodeId: 'r-ab12' };

describe('the printed form', () => {
  it('lists `default` first, then the service keys in order, whatever order they were set in', () => {
    const settings = new Map([
      ['rekognition', 'optOut'],
      ['comprehend', 'optIn'],
      ['default', 'optOut'],
      ['lex', 'optIn'],
    ]);
    expect(Object.keys(documentOf(settings).services)).toEqual([
      'default',
      'comprehend',
      'lex',
      'rekognition',
    ]);
    const defaultFirst = new Map([
      ['default', 'optOut'],
      ['lex', 'optIn'],
      ['comprehend', 'optIn'],
    ]);
    expect(Object.keys(documentOf(defaultFirst).services)).toEqual(['default', 'comprehend', 'lex']);
    expect(documentOf(settings).services.comprehend).toEqual({ opt_out_policy: 'optIn' });
  });

  it('leaves out a service that is only locked, with no value', () => {
    const state: EffectiveState = {
      servicesOps: OPS_ALL,
      entries: new Map([
        ['lex', { value: undefined, source: undefined, entryOps: OPS_NONE, settingOps: OPS_NONE }],
        ['default', { value: 'optOut', source: ours, entryOps: OPS_ALL, settingOps: OPS_ALL }],
      ]),
    };
    expect(effectiveDocument(state)).toEqual({ services: { default: { opt_out_policy: 'optOut' } } });
  });
});

describe("reading AWS's document", () => {
  const read = (content: string | undefined) => {
    const result = parseEffectiveDocument(content);
    return 'error' in result ? result.error : Object.fromEntries(result.settings);
  };

  it.each([
    ['no content', undefined, {}],
    ['empty content', '', {}],
    ['blank content', ' \n ', {}],
    ['no services', '{}', {}],
    [
      'a value',
      '{"services":{"lex":{"opt_out_policy":"optIn"},"default":{"opt_out_policy":"optOut"}}}',
      { lex: 'optIn', default: 'optOut' },
    ],
    [
      'a value still under @@assign',
      '{"services":{"lex":{"opt_out_policy":{"@@assign":"optOut"}}}}',
      { lex: 'optOut' },
    ],
    [
      'a value AWS may add later, kept as written',
      '{"services":{"lex":{"opt_out_policy":"OptOut"}}}',
      { lex: 'OptOut' },
    ],
    [
      'an entry that is null',
      '{"services":{"lex":null,"polly":{"opt_out_policy":"optIn"}}}',
      { polly: 'optIn' },
    ],
    [
      'an entry that is no mapping, or has no text value',
      '{"services":{"lex":"optOut","rekognition":{"opt_out_policy":5},"polly":{}}}',
      {},
    ],
    ['not JSON', '{"services":', 'the effective policy is not JSON'],
    ['a list', '[{"services":{}}]', 'the effective policy is not a JSON object'],
    ['a string', '"optOut"', 'the effective policy is not a JSON object'],
    ['services that are no mapping', '{"services":["lex"]}', 'the effective policy has no `services` object'],
  ])('%s', (_, content, expected) => {
    expect(read(content)).toEqual(expected);
  });
});

describe('differences', () => {
  it('names each service whose values differ, `default` first, an unset value as absent', () => {
    const local = new Map([
      ['rekognition', 'optOut'],
      ['lex', 'optOut'],
      ['polly', 'optIn'],
    ]);
    const aws = new Map([
      ['polly', 'optIn'],
      ['lex', 'optIn'],
      ['default', 'optOut'],
    ]);
    expect(differences(local, aws)).toEqual([
      { service: 'default', local: 'absent', aws: 'optOut' },
      { service: 'lex', local: 'optOut', aws: 'optIn' },
      { service: 'rekognition', local: 'optOut', aws: 'absent' },
    ]);
  });
});

describe("AWS's document as a state", () => {
  const chain = [
    { policy: policy('p-root0001', { lex: 'optIn', default: 'optOut' }), node: node('r-ab12') },
    { policy: policy('p-ou000001', { lex: 'optIn' }), node: node('ou-ab12-cdefgh12') },
    { policy: policy('p-acct0001', { polly: 'optOut' }), node: node('111122223333') },
  ];
  const local: EffectiveState = {
    servicesOps: OPS_NONE,
    entries: new Map([
      ['default', { value: 'optOut', source: ours, entryOps: OPS_NONE, settingOps: OPS_NONE }],
    ]),
  };

  it("keeps our source and locks where AWS's value is ours; else the deepest policy that assigns the value", () => {
    const state = awsStateOf(
      local,
      new Map([
        ['default', 'optOut'],
        ['lex', 'optIn'],
      ]),
      chain,
    );

    expect(state.servicesOps).toBe(OPS_NONE);
    expect(state.entries.get('default')).toEqual({
      value: 'optOut',
      source: ours,
      entryOps: OPS_NONE,
      settingOps: OPS_NONE,
    });
    expect(state.entries.get('lex')).toEqual({
      value: 'optIn',
      source: { policyId: 'p-ou000001', policyName: 'name-p-ou000001', nodeId: 'ou-ab12-cdefgh12' },
      entryOps: OPS_ALL,
      settingOps: OPS_ALL,
    });
  });

  it('a value of the first policy of the chain, or no policy, or that AWS wrote in a form the engine does not know', () => {
    const state = awsStateOf(
      local,
      new Map([
        ['default', 'optIn'],
        ['rekognition', 'optIn'],
        ['polly', 'OptOut'],
      ]),
      [
        chain[0],
        { policy: policy('p-ou000002', { default: 'optOut' }), node: node('ou-ab12-zzzzzzzz') },
      ] as typeof chain,
    );

    expect(state.entries.get('default')?.value).toBe('optIn');
    expect(state.entries.get('default')?.source).toBeUndefined();
    expect(state.entries.get('rekognition')).toEqual({
      value: 'optIn',
      source: undefined,
      entryOps: OPS_ALL,
      settingOps: OPS_ALL,
    });
    expect(state.entries.get('polly')).toEqual({
      value: undefined,
      source: undefined,
      entryOps: OPS_ALL,
      settingOps: OPS_ALL,
    });

    const root = awsStateOf(local, new Map([['lex', 'optIn']]), [chain[0], chain[2]] as typeof chain);
    expect(root.entries.get('lex')?.source).toEqual({
      policyId: 'p-root0001',
      policyName: 'name-p-root0001',
      nodeId: 'r-ab12',
    });
  });
});

describe('serviceInPath', () => {
  it.each([
    ['services.lex.opt_out_policy', 'lex'],
    ['/services/rekognition/opt_out_policy', 'rekognition'],
    ['services["comprehend"]', 'comprehend'],
    ['services.amazon::bedrock.x', 'amazon::bedrock'],
    ['the document', '*'],
    [undefined, '*'],
  ])('%s names %s', (path, service) => {
    expect(serviceInPath(path)).toBe(service);
  });
});
