/**
 * Bedrock policy documents: AWS's own examples parse to the settings they state, rendering is canonical
 * and round-trips, and hostile documents never throw: each problem is a finding at its JSON path, and
 * what AWS would keep (a malformed identifier) stays in the model [ORG-BEDROCK-INVALID-IDENTIFIER].
 */
import { describe, expect, it } from 'vitest';
import { parseBedrockDocument } from '../../../../../lambdas/domain/policy-types/bedrock/document.ts';
import { type BedrockPolicy, bedrock } from '../../../../../lambdas/domain/policy-types/bedrock/index.ts';
import {
  type RegionGuardrail,
  renderBedrockDocument,
} from '../../../../../lambdas/domain/policy-types/bedrock/render.ts';
import { parseIdentifier } from '../../../../../lambdas/domain/policy-types/bedrock/syntax.ts';
import {
  bedrockDoc,
  GUARDRAIL_EAST,
  GUARDRAIL_WEST,
  NONE,
  PREVIEW_EXAMPLE,
  SYNTAX_PAGE_EXAMPLE,
  USER_GUIDE_EXAMPLE,
} from './examples.ts';

const CONFIG = 'bedrock.guardrail_inference.us-east-1.config_1';

function assigned(content: string): Record<string, unknown> {
  const parsed = parseBedrockDocument(content);
  return Object.fromEntries([...parsed.leaves].map(([name, leaf]) => [name, leaf.operators]));
}

describe("AWS's Bedrock policy examples [ORG-BEDROCK-SYNTAX]", () => {
  it("the syntax page's example parses to its five settings, with no finding", () => {
    const parsed = parseBedrockDocument(SYNTAX_PAGE_EXAMPLE);

    expect(parsed.findings).toEqual([]);
    expect(parsed.usable).toBe(true);
    expect(assigned(SYNTAX_PAGE_EXAMPLE)).toEqual({
      [`${CONFIG}.identifier`]: { assign: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1' },
      [`${CONFIG}.selective_content_guarding.system`]: { assign: 'selective' },
      [`${CONFIG}.selective_content_guarding.messages`]: { assign: 'comprehensive' },
      [`${CONFIG}.model_enforcement.included_models`]: { assign: ['ALL'] },
      [`${CONFIG}.model_enforcement.excluded_models`]: {
        assign: ['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3'],
      },
    });
  });

  it("the preview syntax's input_tags is read", () => {
    expect(parseBedrockDocument(PREVIEW_EXAMPLE).findings).toEqual([]);
    expect(assigned(PREVIEW_EXAMPLE)[`${CONFIG}.input_tags`]).toEqual({ assign: 'honor' });
  });

  it("the User Guide's placeholder identifier is not a guardrail ARN: a finding, and the value is kept", () => {
    const parsed = parseBedrockDocument(USER_GUIDE_EXAMPLE);

    expect(parsed.findings).toEqual([
      {
        path: `${CONFIG}.identifier.@@assign`,
        message: expect.stringMatching(
          /^identifier "arn:aws:bedrock:us-east-1:123456789012:guardrail\/guardrail-id:1" is not a guardrail ARN followed by `:` and a version; AWS says/,
        ),
      },
    ]);
    expect(assigned(USER_GUIDE_EXAMPLE)[`${CONFIG}.identifier`]).toEqual({
      assign: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/guardrail-id:1',
    });
  });
});

describe('identifiers [BEDROCK-GUARDRAIL-FORMATS]', () => {
  it.each([
    [
      'arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1',
      { ok: true, version: 1, region: 'us-east-1' },
    ],
    [
      'arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:guardrail/abc:99999999',
      { ok: true, version: 99999999 },
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc:DRAFT',
      { ok: false, problem: expect.stringContaining('DRAFT') },
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc:0',
      { ok: false, problem: expect.stringContaining('"0"') },
    ],
    ['arn:aws:bedrock:us-east-1:123456789012:guardrail/abc:100000000', { ok: false }],
    ['arn:aws:bedrock:us-east-1:123456789012:guardrail/abc', { ok: false }],
    ['arn:aws:bedrock:us-east-1:12345678901:guardrail/abc:1', { ok: false }],
    ['arn:aws:bedrock:us-east-1:123456789012:guardrail/ABC:1', { ok: false }],
    ['abc123:1', { ok: false }],
    ['', { ok: false }],
  ])('%j', (identifier, expected) => {
    expect(parseIdentifier(identifier)).toMatchObject(expected);
  });
});

describe('rendering', () => {
  const definition = {
    regions: {
      'us-east-1': { guardrail: GUARDRAIL_EAST, version: 3, system: 'selective' as const },
      'eu-west-1': { guardrail: GUARDRAIL_WEST, version: 1, excludedModels: ['cohere.embed-english-v3'] },
    },
  };

  it('lock all puts ["@@none"] at every node, Regions sorted, before the value it guards', () => {
    const n = '"@@operators_allowed_for_child_policies":["@@none"]';
    expect(renderBedrockDocument({ ...definition, lock: 'all' })).toBe(
      `{"bedrock":{${n},"guardrail_inference":{${n},` +
        `"eu-west-1":{${n},"config_1":{${n},"identifier":{${n},"@@assign":"${GUARDRAIL_WEST}:1"},` +
        `"model_enforcement":{${n},"included_models":{${n},"@@assign":["ALL"]},"excluded_models":{${n},"@@assign":["cohere.embed-english-v3"]}}}},` +
        `"us-east-1":{${n},"config_1":{${n},"identifier":{${n},"@@assign":"${GUARDRAIL_EAST}:3"},` +
        `"selective_content_guarding":{${n},"system":{${n},"@@assign":"selective"}}}}}}}`,
    );
  });

  it('lock declared leaves bedrock and guardrail_inference open; none writes no operator', () => {
    const declared = JSON.parse(renderBedrockDocument({ ...definition, lock: 'declared' }));
    const none = renderBedrockDocument({ ...definition, lock: 'none' });

    expect(Object.keys(declared.bedrock)).toEqual(['guardrail_inference']);
    expect(Object.keys(declared.bedrock.guardrail_inference)).toEqual(['eu-west-1', 'us-east-1']);
    expect(
      declared.bedrock.guardrail_inference['us-east-1']['@@operators_allowed_for_child_policies'],
    ).toEqual(['@@none']);
    expect(none).not.toContain('@@operators_allowed_for_child_policies');
  });

  const identifier = { '@@assign': `${GUARDRAIL_EAST}:3` };
  const east = { guardrail: GUARDRAIL_EAST, version: 3 };

  it.each<[string, Partial<RegionGuardrail>, Record<string, unknown>]>([
    ['neither guarding mode nor model list: the identifier alone', {}, { identifier }],
    [
      'system alone',
      { system: 'selective' },
      { identifier, selective_content_guarding: { system: { '@@assign': 'selective' } } },
    ],
    [
      'messages alone',
      { messages: 'comprehensive' },
      { identifier, selective_content_guarding: { messages: { '@@assign': 'comprehensive' } } },
    ],
    [
      'system and messages, in that order',
      { messages: 'comprehensive', system: 'selective' },
      {
        identifier,
        selective_content_guarding: {
          system: { '@@assign': 'selective' },
          messages: { '@@assign': 'comprehensive' },
        },
      },
    ],
    [
      'includedModels alone: excluded_models empty, since AWS requires both lists [ORG-BEDROCK-SYNTAX]',
      { includedModels: ['amazon.nova-pro-v1:0'] },
      {
        identifier,
        model_enforcement: {
          included_models: { '@@assign': ['amazon.nova-pro-v1:0'] },
          excluded_models: { '@@assign': [] },
        },
      },
    ],
    [
      'excludedModels alone: included_models ALL',
      { excludedModels: ['cohere.embed-english-v3'] },
      {
        identifier,
        model_enforcement: {
          included_models: { '@@assign': ['ALL'] },
          excluded_models: { '@@assign': ['cohere.embed-english-v3'] },
        },
      },
    ],
  ])('a Region with %s', (_name, settings, config) => {
    expect(renderBedrockDocument({ lock: 'none', regions: { 'us-east-1': { ...east, ...settings } } })).toBe(
      JSON.stringify({ bedrock: { guardrail_inference: { 'us-east-1': { config_1: config } } } }),
    );
  });

  it("renders the syntax page's example, key for key and in its order, from its settings", () => {
    const rendered = renderBedrockDocument({
      lock: 'none',
      regions: {
        'us-east-1': {
          guardrail: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d',
          version: 1,
          system: 'selective',
          messages: 'comprehensive',
          includedModels: ['ALL'],
          excludedModels: ['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3'],
        },
      },
    });

    expect(rendered).toBe(JSON.stringify(JSON.parse(SYNTAX_PAGE_EXAMPLE)));
  });

  it.each(['all', 'declared', 'none'] as const)(
    'lock %s round-trips through the parser with no finding',
    (lock) => {
      const parsed = parseBedrockDocument(renderBedrockDocument({ ...definition, lock }));

      expect(parsed.findings).toEqual([]);
      expect(
        parsed.leaves.get('bedrock.guardrail_inference.us-east-1.config_1.identifier')?.operators,
      ).toEqual({
        assign: `${GUARDRAIL_EAST}:3`,
      });
      expect(parsed.locks.size).toBe(lock === 'none' ? 0 : lock === 'declared' ? 11 : 13);
    },
  );
});

describe('hostile documents: findings at JSON paths, never a throw', () => {
  const id = (value: unknown) => bedrockDoc({ 'us-east-1': { identifier: { '@@assign': value } } });
  const leaf = `${CONFIG}.identifier`;

  it.each([
    ['not JSON', '{"bedrock":', '$', /^not valid JSON/, false],
    ['a list', '[1,2]', '$', /no "bedrock" object/, false],
    [
      'an AI opt-out policy',
      '{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}}}}',
      '$',
      /no "bedrock" object/,
      false,
    ],
    [
      'a Region key in capitals',
      bedrockDoc({ 'US-EAST-1': {} }),
      'bedrock.guardrail_inference.US-EAST-1',
      /not an AWS Region code/,
      true,
    ],
    [
      'a __proto__ Region key',
      '{"bedrock":{"guardrail_inference":{"__proto__":{}}}}',
      'bedrock.guardrail_inference.__proto__',
      /not an AWS Region code/,
      true,
    ],
    [
      'an unknown top-level key',
      '{"bedrock":{},"services":{}}',
      'services',
      /unknown key in the document/,
      true,
    ],
    [
      'a DRAFT identifier',
      id(`${GUARDRAIL_EAST}:DRAFT`),
      `${leaf}.@@assign`,
      /DRAFT version, which AWS does not enforce/,
      true,
    ],
    [
      'a guardrail of another Region',
      id(`${GUARDRAIL_WEST}:1`),
      `${leaf}.@@assign`,
      /a guardrail of eu-west-1, under Region key us-east-1/,
      true,
    ],
    ['a number as identifier', id(7), `${leaf}.@@assign`, /must be a string, not 7; ignored/, true],
    [
      'the printed form',
      bedrockDoc({ 'us-east-1': { identifier: `${GUARDRAIL_EAST}:1` } }),
      leaf,
      /effective-policy format/,
      true,
    ],
    [
      '@@append on a single value',
      bedrockDoc({ 'us-east-1': { identifier: { '@@append': ['x'] } } }),
      `${leaf}.@@append`,
      /applies to lists only/,
      true,
    ],
    [
      'a mode in capitals',
      bedrockDoc({ 'us-east-1': { selective_content_guarding: { system: { '@@assign': 'Selective' } } } }),
      `${CONFIG}.selective_content_guarding.system.@@assign`,
      /lower-case: "selective"/,
      true,
    ],
    [
      'an operator AWS does not define',
      bedrockDoc({ 'us-east-1': { identifier: { '@@enforced_for': ['x'] } } }),
      `${leaf}.@@enforced_for`,
      /not one AWS defines/,
      true,
    ],
    [
      'a bad lock',
      bedrockDoc({}, { '@@operators_allowed_for_child_policies': '@@none' }),
      'bedrock.guardrail_inference.@@operators_allowed_for_child_policies',
      /non-empty JSON array/,
      true,
    ],
    [
      'a model id that is not one',
      bedrockDoc({ 'us-east-1': { model_enforcement: { excluded_models: { '@@assign': ['ALL', 'x'] } } } }),
      `${CONFIG}.model_enforcement.excluded_models.@@assign`,
      /"ALL", "x" is not a model id/,
      true,
    ],
  ])('%s', (_name, content, path, message, usable) => {
    const parsed = parseBedrockDocument(content);

    expect(parsed.usable).toBe(usable);
    expect(parsed.findings).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('keeps a malformed or DRAFT identifier in the model (AWS stores it), drops what AWS cannot read', () => {
    expect(assigned(id(`${GUARDRAIL_EAST}:DRAFT`))[leaf]).toEqual({ assign: `${GUARDRAIL_EAST}:DRAFT` });
    expect(assigned(id('not-an-arn'))[leaf]).toEqual({ assign: 'not-an-arn' });
    expect(assigned(id(7))[leaf]).toBeUndefined();
  });

  it('a document over 10,000 characters is a finding naming its size, and is still read', () => {
    const models = Array.from({ length: 600 }, (_, i) => `vendor.model-${i}`);
    const content = bedrockDoc({
      'us-east-1': {
        identifier: { '@@assign': `${GUARDRAIL_EAST}:1` },
        model_enforcement: { excluded_models: { '@@assign': models } },
      },
    });
    expect(content.length).toBeGreaterThan(10000);

    const parsed = parseBedrockDocument(content);

    expect(parsed.findings).toEqual([
      { path: '$', message: `the document has ${content.length} characters, more than the 10000 AWS allows` },
    ]);
    expect(parsed.leaves.size).toBe(2);
  });

  it('a document nested a million levels deep, or of a hundred thousand Region keys, is read without throwing', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const wide = JSON.stringify({
      bedrock: {
        guardrail_inference: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, {}])),
      },
    });

    expect(parseBedrockDocument(deep).usable).toBe(false);
    const parsed = parseBedrockDocument(wide);
    expect(parsed.leaves.size).toBe(0);
    expect(parsed.findings).toHaveLength(100_001);
  });
});

describe('the size AWS allows [ORG-BEDROCK-QUOTAS]', () => {
  // Padding with spaces outside the object keeps the document's meaning and sets its exact length.
  const ofLength = (length: number) => {
    const content = bedrockDoc({ 'us-east-1': { identifier: { '@@assign': `${GUARDRAIL_EAST}:1` } } });
    return content + ' '.repeat(length - content.length);
  };

  it.each([
    [10_000, []],
    [10_001, [{ path: '$', message: 'the document has 10001 characters, more than the 10000 AWS allows' }]],
  ])('a document of %i characters: %j', (length, findings) => {
    const content = ofLength(length);
    expect(content).toHaveLength(length);

    expect(parseBedrockDocument(content).findings).toEqual(findings);
  });
});

describe('the shape of a document, part by part [ORG-BEDROCK-SYNTAX]', () => {
  const leaf = `${CONFIG}.identifier`;
  const models = `${CONFIG}.model_enforcement.excluded_models`;
  const read = (content: string) => {
    const parsed = parseBedrockDocument(content);
    return {
      findings: parsed.findings,
      leaves: assigned(content),
      // Pairs, not an object: a lock whose operators are undefined must show.
      locks: [...parsed.locks].map(([name, lock]) => [name, lock.ops]),
    };
  };
  const identifier = (value: unknown) => bedrockDoc({ 'us-east-1': { identifier: value } });
  const excluded = (value: unknown) =>
    bedrockDoc({ 'us-east-1': { model_enforcement: { excluded_models: value } } });
  const printedHint = ' (that is the effective-policy format; write {"@@assign": ...})';
  const noAssign = { path: leaf, message: 'has no "@@assign"; it sets nothing' };

  it.each([
    [
      'a lock beside "bedrock", above every node AWS reads, is an operator out of place',
      JSON.stringify({ ...NONE, bedrock: { guardrail_inference: {} } }),
      {
        findings: [
          {
            path: '"@@operators_allowed_for_child_policies"',
            message: 'operator @@operators_allowed_for_child_policies is not allowed here; ignored',
          },
        ],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a lock on "bedrock" locks that node',
      JSON.stringify({ bedrock: { ...NONE, guardrail_inference: {} } }),
      { findings: [], leaves: {}, locks: [['bedrock', 0]] },
    ],
    [
      '@@assign on a node that is not a setting is an operator out of place',
      JSON.stringify({ bedrock: { guardrail_inference: { '@@assign': 'x' } } }),
      {
        findings: [
          {
            path: 'bedrock.guardrail_inference."@@assign"',
            message: 'operator @@assign is not allowed here; ignored',
          },
        ],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a Region that is a list, not an object',
      JSON.stringify({ bedrock: { guardrail_inference: { 'us-east-1': ['config_1'] } } }),
      {
        findings: [
          { path: 'bedrock.guardrail_inference.us-east-1', message: 'must be a JSON object; ignored' },
        ],
        leaves: {},
        locks: [],
      },
    ],
    [
      'guardrail_inference that is a string, not an object',
      JSON.stringify({ bedrock: { guardrail_inference: 'us' } }),
      {
        findings: [{ path: 'bedrock.guardrail_inference', message: 'must be a JSON object; ignored' }],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a lock AWS would not read is no lock at all (not a lock of everything)',
      identifier({ '@@assign': `${GUARDRAIL_EAST}:1`, '@@operators_allowed_for_child_policies': '@@none' }),
      {
        findings: [
          {
            path: `${leaf}.@@operators_allowed_for_child_policies`,
            message: 'must be a non-empty JSON array such as ["@@none"]; ignored',
          },
        ],
        leaves: { [leaf]: { assign: `${GUARDRAIL_EAST}:1` } },
        locks: [],
      },
    ],
    [
      'a setting written as a string is the printed form, with the hint',
      identifier(`${GUARDRAIL_EAST}:1`),
      {
        findings: [{ path: leaf, message: `must be an object with "@@assign"${printedHint}; ignored` }],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a setting written as a list is the printed form, with the hint',
      excluded(['cohere.embed-english-v3']),
      {
        findings: [{ path: models, message: `must be an object with "@@assign"${printedHint}; ignored` }],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a setting written as a number is no printed form: no hint',
      identifier(7),
      {
        findings: [{ path: leaf, message: 'must be an object with "@@assign"; ignored' }],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a setting written as null: no hint',
      identifier(null),
      {
        findings: [{ path: leaf, message: 'must be an object with "@@assign"; ignored' }],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a setting with no operator sets nothing',
      identifier({}),
      { findings: [noAssign], leaves: {}, locks: [] },
    ],
    [
      'a setting with only a lock locks its value and is no mistake',
      identifier(NONE),
      { findings: [], leaves: {}, locks: [[leaf, 0]] },
    ],
    [
      'a setting whose only @@assign AWS cannot read sets nothing',
      identifier({ '@@assign': 7 }),
      {
        findings: [{ path: `${leaf}.@@assign`, message: 'must be a string, not 7; ignored' }, noAssign],
        leaves: {},
        locks: [],
      },
    ],
    [
      'a key that is no operator, beside @@assign, is an unknown key',
      identifier({ '@@assign': `${GUARDRAIL_EAST}:1`, value: 'x' }),
      {
        findings: [{ path: `${leaf}.value`, message: 'unknown key; ignored' }],
        leaves: { [leaf]: { assign: `${GUARDRAIL_EAST}:1` } },
        locks: [],
      },
    ],
    [
      'an operator AWS does not define, beside @@assign, is named',
      identifier({ '@@assign': `${GUARDRAIL_EAST}:1`, '@@enforced_for': ['x'] }),
      {
        findings: [
          {
            path: `${leaf}.@@enforced_for`,
            message: 'operator @@enforced_for is not one AWS defines; ignored',
          },
        ],
        leaves: { [leaf]: { assign: `${GUARDRAIL_EAST}:1` } },
        locks: [],
      },
    ],
  ])('%s', (_name, content, expected) => {
    expect(read(content)).toEqual(expected);
  });

  const notStrings = 'must be a JSON array of strings; ignored';
  it.each([
    ['@@assign', 'cohere.embed-english-v3'],
    ['@@assign', ['cohere.embed-english-v3', 7]],
    ['@@assign', [7]],
    ['@@assign', { ALL: true }],
    ['@@append', 'cohere.embed-english-v3'],
    ['@@remove', ['cohere.embed-english-v3', null]],
  ])('a model list whose %s is %j, not a list of strings, sets nothing', (operator, value) => {
    expect(read(excluded({ [operator]: value }))).toEqual({
      findings: [
        { path: `${models}.${operator}`, message: notStrings },
        { path: models, message: 'has no "@@assign"; it sets nothing' },
      ],
      leaves: {},
      locks: [],
    });
  });

  it.each([
    ['@@assign', 'assign'],
    ['@@append', 'append'],
    ['@@remove', 'remove'],
  ])('a model list whose %s is a list of model ids is read', (operator, field) => {
    const list = ['cohere.embed-english-v3', 'amazon.titan-embed-text-v2:0'];

    expect(read(excluded({ [operator]: list }))).toEqual({
      findings: [],
      leaves: { [models]: { [field]: list } },
      locks: [],
    });
  });
});

describe('a declared policy in a few words (the plan names a created or updated policy by them)', () => {
  const location = { file: 'ai-optout.yaml', line: 1, col: 1 };
  const policy = (regions: BedrockPolicy['regions'], lock: BedrockPolicy['lock']): BedrockPolicy => ({
    name: 'guardrails',
    description: '',
    adopt: false,
    targets: [],
    content: '',
    location,
    regions,
    lock,
  });
  const east = { guardrail: GUARDRAIL_EAST, version: 3 };
  const west = { guardrail: GUARDRAIL_WEST, version: 1 };

  it.each([
    ['declared sorted', { 'eu-west-1': west, 'us-east-1': east }, 'declared'],
    ['declared in reverse', { 'us-east-1': east, 'eu-west-1': west }, 'all'],
  ] as const)(
    'Regions %s are named sorted, each guardrail by its id and version, then the lock',
    (_o, regions, lock) => {
      expect(bedrock.documents.describe(policy(regions, lock))).toBe(
        `eu-west-1 west1guard:1; us-east-1 east1guard:3; lock ${lock}`,
      );
    },
  );
});
