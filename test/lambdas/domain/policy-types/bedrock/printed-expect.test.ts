/**
 * What AWS prints of an effective Bedrock policy (assumed: AWS publishes no example,
 * [ORG-BEDROCK-EFFECTIVE-DOCUMENT]) read and compared as settings, and `expect`: every account a rule
 * applies to has the guardrail at the version or later, decided, in each listed Region.
 */
import { describe, expect, it } from 'vitest';
import { type OrgNode, OrgTree } from '../../../../../lambdas/domain/organization.ts';
import { type BedrockState, EMPTY_STATE } from '../../../../../lambdas/domain/policy-types/bedrock/engine.ts';
import {
  type BedrockExpectation,
  type GuardrailRule,
  ruleId,
} from '../../../../../lambdas/domain/policy-types/bedrock/expect.ts';
import { bedrock } from '../../../../../lambdas/domain/policy-types/bedrock/index.ts';
import { nameOf } from '../../../../../lambdas/domain/policy-types/bedrock/paths.ts';
import { parseEffectiveDocument } from '../../../../../lambdas/domain/policy-types/bedrock/printed.ts';
import {
  attachmentsOf,
  EffectivePolicies,
} from '../../../../../lambdas/domain/policy-types/effective-policies.ts';
import { OrgBuilder } from '../../../../support/org-builder.ts';
import { bedrockDoc, GUARDRAIL_EAST, GUARDRAIL_WEST, NONE, SYNTAX_PAGE_EXAMPLE } from './examples.ts';

const location = { file: 'ai-optout.yaml', line: 1, col: 1 };

function walk(policies: [string, string, string[]][]) {
  const builder = new OrgBuilder()
    .account('prod', 'Workloads/Prod', '111111111111')
    .account('dev', 'Workloads/Dev', '222222222222');
  for (const [name, content, targets] of policies) builder.policy(name, content, targets);
  const snapshot = builder.build();
  const tree = new OrgTree(snapshot);
  const parsed = snapshot.policies.map((p) => ({ ...p, document: bedrock.documents.parse(p.content) }));
  // The chain of an account as the plan passes it: each policy with the node it is attached to, in the
  // order given (the root's first, the account's last).
  const chain = parsed.map((p) => ({ policy: p, node: tree.get(p.targets[0] as string) as OrgNode }));
  return { tree, chain, walk: new EffectivePolicies(bedrock.engine, tree, attachmentsOf(parsed)) };
}

const identifierDoc = (region: string, identifier: string) =>
  bedrockDoc({ [region]: { identifier: { '@@assign': identifier } } });

describe("AWS's printed effective policy", () => {
  it('the local state prints as the operator-stripped document, which parses back to the same settings', () => {
    const { walk: w } = walk([['baseline', SYNTAX_PAGE_EXAMPLE, ['root']]]);
    const settings = bedrock.aws.settings(w.stateOf('111111111111'));

    const printed = bedrock.aws.document(settings);

    expect(printed).toEqual({
      bedrock: {
        guardrail_inference: {
          'us-east-1': {
            config_1: {
              identifier: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1',
              selective_content_guarding: { messages: 'comprehensive', system: 'selective' },
              model_enforcement: {
                excluded_models: ['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3'],
                included_models: ['ALL'],
              },
            },
          },
        },
      },
    });
    expect(bedrock.aws.parse(JSON.stringify(printed))).toEqual({ settings });
  });

  it('reads values still wrapped in @@assign, and reads no policy from empty content', () => {
    expect(bedrock.aws.parse(identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`))).toEqual({
      settings: new Map([['us-east-1.config_1.identifier', `${GUARDRAIL_EAST}:2`]]),
    });
    expect(bedrock.aws.parse(undefined)).toEqual({ settings: new Map() });
    expect(bedrock.aws.parse('  ')).toEqual({ settings: new Map() });
  });

  it.each([
    ['{', 'the effective policy is not JSON'],
    ['"text"', 'the effective policy is not a JSON object'],
    [
      '{"bedrock":{"guardrail_inference":[]}}',
      'the effective policy has no `bedrock.guardrail_inference` object',
    ],
  ])('an unreadable document %s is an error, not settings', (content, error) => {
    expect(bedrock.aws.parse(content)).toEqual({ error });
  });

  it('differences name each setting whose value differs, absent on the side that lacks it', () => {
    const local = new Map([
      ['us-east-1.config_1.identifier', `${GUARDRAIL_EAST}:2`],
      ['a', 'x'],
    ]);
    const aws = new Map([
      ['us-east-1.config_1.identifier', `${GUARDRAIL_EAST}:1`],
      ['a', 'x'],
      ['b', 'y'],
    ]);

    expect(bedrock.aws.differences(local, aws)).toEqual([
      { service: 'b', local: 'absent', aws: 'y' },
      { service: 'us-east-1.config_1.identifier', local: `${GUARDRAIL_EAST}:2`, aws: `${GUARDRAIL_EAST}:1` },
    ]);
  });

  it("AWS's answer becomes a state: our source where the value is ours, else the chain's deepest policy assigning it", () => {
    const { walk: w, tree } = walk([
      ['root-2', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`), ['root']],
      ['prod-3', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:3`), ['Workloads/Prod']],
    ]);
    const local = w.stateOf('111111111111');
    const chain = [
      {
        node: tree.root,
        policy: {
          id: 'p-test000000',
          name: 'root-2',
          document: bedrock.documents.parse(identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`)),
        },
      },
    ];

    const state = bedrock.aws.stateOf(
      local,
      new Map([['us-east-1.config_1.identifier', `${GUARDRAIL_EAST}:2`]]),
      chain,
    );

    expect(bedrock.aws.decidedAt(local, 'us-east-1.config_1.identifier')).toBe(
      tree.get('111111111111')?.parentId,
    );
    expect(bedrock.aws.decidedAt(state, 'us-east-1.config_1.identifier')).toBe(tree.root.id);
  });

  it.each([
    ['bedrock.guardrail_inference.us-east-1.config_1.identifier', 'us-east-1.config_1.identifier'],
    ['/bedrock/guardrail_inference/eu-west-1', 'eu-west-1'],
    ['bedrock.guardrail_inference', '*'],
    ['$.bedrock.guardrail_inference["us-east-1"]', 'us-east-1'],
    ['$.bedrock.guardrail_inference["us-east-1"].config_1.identifier', 'us-east-1.config_1.identifier'],
    ['guardrail_inference/eu-west-1', 'eu-west-1'],
    ['/bedrock/guardrail_inference/', '*'],
    ['bedrock', '*'],
    [undefined, '*'],
  ])('a validation error at %s is about %s', (path, setting) => {
    expect(bedrock.aws.serviceAt(path)).toBe(setting);
  });
});

describe('expect: guardrail X at version N or later, in each listed Region, below a target', () => {
  const expectation: BedrockExpectation = {
    location,
    except: [],
    rules: [
      {
        target: { ref: { kind: 'ou', ref: 'Workloads/Prod' }, location },
        regions: new Map([
          ['us-east-1', { guardrail: GUARDRAIL_EAST, minVersion: 3 }],
          ['eu-west-1', { guardrail: GUARDRAIL_WEST, minVersion: 1 }],
        ]),
        location,
      },
    ],
  };
  const both = (east: string) =>
    JSON.stringify({
      bedrock: {
        guardrail_inference: {
          'us-east-1': { config_1: { identifier: { '@@assign': east } } },
          'eu-west-1': { config_1: { identifier: { '@@assign': `${GUARDRAIL_WEST}:1` } } },
        },
      },
    });
  const breachesOf = (policies: [string, string, string[]][], exempt = new Set<string>()) => {
    const { walk: w, tree } = walk(policies);
    return bedrock.expect.breaches(tree, w.stateOf('111111111111') as BedrockState, expectation, exempt);
  };

  it.each([
    ['version 3', 3],
    ['version 12 (later)', 12],
  ])('%s meets the rule', (_name, version) => {
    expect(breachesOf([['p', both(`${GUARDRAIL_EAST}:${version}`), ['root']]])).toEqual([]);
  });

  it.each([
    ['an earlier version', `${GUARDRAIL_EAST}:2`],
    ['another guardrail', 'arn:aws:bedrock:us-east-1:111122223333:guardrail/other:9'],
    ['a DRAFT version', `${GUARDRAIL_EAST}:DRAFT`],
    ['a malformed identifier', 'east1guard:3'],
  ])('%s breaks it, naming the value and the policy that sets it', (_name, identifier) => {
    expect(breachesOf([['baseline', both(identifier), ['root']]])).toEqual([
      {
        service: 'us-east-1',
        expected: `${GUARDRAIL_EAST}:3 or later`,
        actual: identifier,
        cause: 'p-test000000@r-test',
        causeDetail: 'baseline on Root',
      },
    ]);
  });

  it("a value AWS's answer holds and no policy read here enforces breaks it, caused by AWS", () => {
    // Prepare: the state as AWS's answer makes it: us-east-1 at version 2, which no policy assigns.
    const { walk: w, tree } = walk([['baseline', both(`${GUARDRAIL_EAST}:3`), ['root']]]);
    const local = w.stateOf('111111111111') as BedrockState;
    const values = new Map(
      [...local.values].map(([name, v]) =>
        v.segments.includes('us-east-1')
          ? [name, { ...v, value: `${GUARDRAIL_EAST}:2`, source: undefined }]
          : [name, v],
      ),
    );

    const breaches = bedrock.expect.breaches(tree, { ...local, values }, expectation, new Set());

    expect(breaches).toEqual([
      {
        service: 'us-east-1',
        expected: `${GUARDRAIL_EAST}:3 or later`,
        actual: `${GUARDRAIL_EAST}:2`,
        cause: 'aws',
        causeDetail: "as AWS's effective policy says; no Bedrock policy read here enforces it",
      },
    ]);
  });

  it('a Region no policy enforces is unset, caused by none', () => {
    const breaches = breachesOf([['west', identifierDoc('eu-west-1', `${GUARDRAIL_WEST}:1`), ['root']]]);

    expect(breaches).toEqual([
      {
        service: 'us-east-1',
        expected: `${GUARDRAIL_EAST}:3 or later`,
        actual: 'unset',
        cause: 'none',
        causeDetail: 'no Bedrock policy enforces a guardrail there',
      },
    ]);
  });

  it('a value attachment order decides does not count, even if one candidate meets the rule', () => {
    const breaches = breachesOf([
      ['a', both(`${GUARDRAIL_EAST}:3`), ['root']],
      ['b', both(`${GUARDRAIL_EAST}:1`), ['root']],
    ]);

    expect(breaches.map((b) => [b.service, b.actual])).toEqual([
      ['us-east-1', `one of ${GUARDRAIL_EAST}:3, ${GUARDRAIL_EAST}:1 (attachment order decides)`],
    ]);
  });

  it('a Region with two configurations, neither meeting the rule, breaks it naming both values', () => {
    const other = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/other:9';
    const twoConfigs = JSON.stringify({
      bedrock: {
        guardrail_inference: {
          'us-east-1': {
            config_1: { identifier: { '@@assign': `${GUARDRAIL_EAST}:2` } },
            config_2: { identifier: { '@@assign': other } },
          },
          'eu-west-1': { config_1: { identifier: { '@@assign': `${GUARDRAIL_WEST}:1` } } },
        },
      },
    });

    expect(breachesOf([['baseline', twoConfigs, ['root']]]).map((b) => [b.service, b.actual])).toEqual([
      ['us-east-1', `${GUARDRAIL_EAST}:2, ${other}`],
    ]);
  });

  it('the caller exempts one rule by its id: the others are still checked', () => {
    const [first] = expectation.rules;
    const twoRules: BedrockExpectation = {
      ...expectation,
      rules: [
        {
          ...(first as GuardrailRule),
          regions: new Map([['us-east-1', { guardrail: GUARDRAIL_EAST, minVersion: 3 }]]),
        },
        {
          ...(first as GuardrailRule),
          regions: new Map([['eu-west-1', { guardrail: GUARDRAIL_WEST, minVersion: 1 }]]),
        },
      ],
    };
    const serviceOf = (exempt: Set<string>) =>
      bedrock.expect
        .breaches(new OrgTree(new OrgBuilder().build()), EMPTY_STATE, twoRules, exempt)
        .map((b) => b.service);

    expect(serviceOf(new Set([ruleId(1)]))).toEqual(['us-east-1']);
    expect(serviceOf(new Set([ruleId(0)]))).toEqual(['eu-west-1']);
  });

  it('a rule the caller marks as not applying to the account is not checked', () => {
    expect(breachesOf([], new Set([ruleId(0)]))).toEqual([]);
    expect(breachesOf([]).map((b) => b.service)).toEqual(['us-east-1', 'eu-west-1']);
    expect(
      bedrock.expect.breaches(
        new OrgTree(new OrgBuilder().build()),
        EMPTY_STATE,
        { ...expectation, rules: [] },
        new Set(),
      ),
    ).toEqual([]);
  });
});

describe("reading AWS's printed Bedrock effective policy", () => {
  const read = (content: string | undefined) => {
    const result = parseEffectiveDocument(content);
    return 'error' in result ? result.error : Object.fromEntries(result.settings);
  };
  const inference = (body: unknown) => JSON.stringify({ bedrock: { guardrail_inference: body } });

  it.each([
    ['no content (no effective policy)', undefined, {}],
    ['blank content', ' \n', {}],
    ['no bedrock key', '{}', {}],
    ['not JSON', '{"bedrock":', 'the effective policy is not JSON'],
    ['a JSON list', '[]', 'the effective policy is not a JSON object'],
    [
      'bedrock not an object',
      '{"bedrock":5}',
      'the effective policy has no `bedrock.guardrail_inference` object',
    ],
    [
      'an identifier, printed or still under @@assign, and an operator beside it left out',
      inference({
        'us-east-1': {
          config_1: { identifier: 'arn:a:1', '@@operators_allowed_for_child_policies': ['@@none'] },
        },
        'eu-west-1': { config_1: { identifier: { '@@assign': 'arn:b:2' } } },
      }),
      { 'us-east-1.config_1.identifier': 'arn:a:1', 'eu-west-1.config_1.identifier': 'arn:b:2' },
    ],
    [
      'a list of strings kept in its order; a list with a non-string is no setting',
      inference({ 'us-east-1': { config_1: { m: ['b', 'a'], l: [1, 'a'] } } }),
      { 'us-east-1.config_1.m': '["b","a"]' },
    ],
    [
      'a key with a dot is quoted in the name',
      inference({ 'us-east-1': { config_1: { 'we.ird': 'x' } } }),
      { 'us-east-1.config_1."we.ird"': 'x' },
    ],
    [
      'four levels below a Region are read, deeper ones are not (a bound on what AWS could print)',
      inference({ 'us-east-1': { a: { b: { c: { d: 'x', e: { f: 'y' } } } } } }),
      { 'us-east-1.a.b.c.d': 'x' },
    ],
  ])('%s', (_name, content, expected) => {
    expect(read(content)).toEqual(expected);
  });
});

describe("AWS's answer as a state: each of AWS's values attributed to a policy of the account's chain", () => {
  const setting = 'us-east-1.config_1.identifier';
  const node = `bedrock.guardrail_inference.${setting}`;
  const lockedAt = (identifier: string) =>
    bedrockDoc({ 'us-east-1': { identifier: { '@@assign': identifier, ...NONE } } });

  it.each([
    [
      "our value where AWS shows it, though a deeper policy assigns it too (the root's lock keeps that one out)",
      [
        ['root-2-locked', lockedAt(`${GUARDRAIL_EAST}:2`), ['root']],
        ['prod-2', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`), ['Workloads/Prod']],
      ] as [string, string, string[]][],
      `${GUARDRAIL_EAST}:2`,
      'root-2-locked',
    ],
    [
      "else the deepest policy assigning AWS's value, past one assigning another and one assigning nothing there",
      [
        ['root-2', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`), ['root']],
        ['prod-3', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:3`), ['Workloads/Prod']],
        ['account-west', identifierDoc('eu-west-1', `${GUARDRAIL_WEST}:1`), ['prod']],
      ] as [string, string, string[]][],
      `${GUARDRAIL_EAST}:2`,
      'root-2',
    ],
    [
      "no source when no policy of the chain assigns AWS's value",
      [
        ['root-2', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`), ['root']],
        ['prod-3', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:3`), ['Workloads/Prod']],
      ] as [string, string, string[]][],
      `${GUARDRAIL_EAST}:9`,
      undefined,
    ],
  ])('%s', (_name, policies, awsValue, decidingPolicy) => {
    const { walk: w, chain } = walk(policies);
    const link = chain.find((l) => l.policy.name === decidingPolicy);
    const source = link && { policyId: link.policy.id, policyName: link.policy.name, nodeId: link.node.id };

    const state = bedrock.aws.stateOf(w.stateOf('111111111111'), new Map([[setting, awsValue]]), chain);

    expect(state.values.get(node)).toEqual({ segments: node.split('.'), value: awsValue, source });
    expect(bedrock.aws.decidedAt(state, setting)).toBe(source?.nodeId);
  });

  it("holds every node of AWS's settings, and keeps our locks (AWS prints none)", () => {
    // The nodes a state holds decide whether a child may write there: a new node needs the lock above
    // to allow @@assign, a held one only its own lock.
    const { walk: w, chain } = walk([['root-east', lockedAt(`${GUARDRAIL_EAST}:2`), ['root']]]);
    const local = w.stateOf('111111111111');
    const aws = new Map([
      [setting, `${GUARDRAIL_EAST}:2`],
      ['eu-west-1.config_1.model_enforcement.excluded_models', '["cohere.embed-english-v3"]'],
    ]);

    const state = bedrock.aws.stateOf(local, aws, chain);

    const inference = 'bedrock.guardrail_inference';
    expect([...state.nodes].sort()).toEqual([
      'bedrock',
      inference,
      `${inference}.eu-west-1`,
      `${inference}.eu-west-1.config_1`,
      `${inference}.eu-west-1.config_1.model_enforcement`,
      `${inference}.eu-west-1.config_1.model_enforcement.excluded_models`,
      `${inference}.us-east-1`,
      `${inference}.us-east-1.config_1`,
      `${inference}.us-east-1.config_1.identifier`,
    ]);
    expect(state.locks).toBe(local.locks);
    expect([...state.locks]).toEqual([[node, 0]]);
  });

  it('a setting the state does not hold is decided nowhere', () => {
    const { walk: w } = walk([['root-east', identifierDoc('us-east-1', `${GUARDRAIL_EAST}:2`), ['root']]]);

    expect(bedrock.aws.decidedAt(w.stateOf('111111111111'), 'eu-west-1.config_1.identifier')).toBeUndefined();
  });
});

describe('our settings as the document AWS would print', () => {
  const printedAs = (text: string) =>
    bedrock.aws.document(new Map([['us-east-1.config_1.model_enforcement.excluded_models', text]]));
  const withValue = (value: unknown) => ({
    bedrock: {
      guardrail_inference: { 'us-east-1': { config_1: { model_enforcement: { excluded_models: value } } } },
    },
  });

  it.each([
    ['a JSON list of strings is a list', '["a.b","c.d"]', ['a.b', 'c.d']],
    ['an empty JSON list is an empty list', '[]', []],
    ['a JSON list of a number is text', '[1]', '[1]'],
    ['a JSON list with a number among strings is text', '["a.b",1]', '["a.b",1]'],
    ['text that only starts like a list is text', '[a.b', '[a.b'],
    ['a list after a space is text (a printed list starts with "[")', ' ["a.b"]', ' ["a.b"]'],
    ['plain text is text', 'selective', 'selective'],
  ])('%s: %s', (_name, text, value) => {
    expect(printedAs(text)).toEqual(withValue(value));
  });

  it('lists Regions and settings sorted by name, whatever order they come in', () => {
    const settings = new Map([
      ['us-east-1.config_1.identifier', `${GUARDRAIL_EAST}:1`],
      ['eu-west-1.config_1.model_enforcement.excluded_models', '["cohere.embed-english-v3"]'],
      ['eu-west-1.config_1.identifier', `${GUARDRAIL_WEST}:1`],
    ]);
    const sorted = {
      bedrock: {
        guardrail_inference: {
          'eu-west-1': {
            config_1: {
              identifier: `${GUARDRAIL_WEST}:1`,
              model_enforcement: { excluded_models: ['cohere.embed-english-v3'] },
            },
          },
          'us-east-1': { config_1: { identifier: `${GUARDRAIL_EAST}:1` } },
        },
      },
    };

    expect(JSON.stringify(bedrock.aws.document(settings))).toBe(JSON.stringify(sorted));
  });

  it.each(['config.1', 'a.b"c.d', 'con"fig', 'back\\slash', 'with space'])(
    'a configuration key %j, quoted in the setting name, is one key again',
    (key) => {
      const name = nameOf(['us-east-1', key, 'identifier']);

      expect(bedrock.aws.document(new Map([[name, `${GUARDRAIL_EAST}:1`]]))).toEqual({
        bedrock: { guardrail_inference: { 'us-east-1': { [key]: { identifier: `${GUARDRAIL_EAST}:1` } } } },
      });
    },
  );
});
