/**
 * The effective-policy engine for Bedrock policies, on AWS's worked inheritance examples
 * [ORG-INHERITANCE-OPERATORS], [ORG-INHERITANCE-ATTACHMENT-ORDER]. AWS's examples are tag policies; the
 * rules are those of every declarative type, so each example is written here with a Bedrock setting in
 * the place of the tag policy's: `tag_key` (a single value) becomes `identifier`, `tag_value` (a list)
 * becomes `excluded_models`. The organization is AWS's: the root, OU1 (accounts 111111111111 and
 * 222222222222) and OU2 (account 999999999999).
 */
import { describe, expect, it } from 'vitest';
import { OrgTree } from '../../../../../lambdas/domain/organization.ts';
import { type BedrockState, valueNamed } from '../../../../../lambdas/domain/policy-types/bedrock/engine.ts';
import { bedrock } from '../../../../../lambdas/domain/policy-types/bedrock/index.ts';
import {
  attachmentsOf,
  EffectivePolicies,
} from '../../../../../lambdas/domain/policy-types/effective-policies.ts';
import { OrgBuilder } from '../../../../support/org-builder.ts';
import { bedrockDoc, GUARDRAIL_EAST, GUARDRAIL_WEST, NONE } from './examples.ts';

const ID = 'us-east-1.config_1.identifier';
const EXCLUDED = 'us-east-1.config_1.model_enforcement.excluded_models';
const INCLUDED = 'us-east-1.config_1.model_enforcement.included_models';

function org() {
  return new OrgBuilder()
    .account('one', 'OU1', '111111111111')
    .account('two', 'OU1', '222222222222')
    .account('nine', 'OU2', '999999999999');
}

/**
 * The printed settings of each account, after the policies (name, content, targets, and an id where the
 * test needs one other than the builder's ids, which follow the listing order) are attached.
 */
function effective(policies: [string, string, string[], string?][]) {
  const builder = org();
  for (const [name, content, targets, id] of policies)
    builder.policy(name, content, targets, id ? { id } : {});
  const snapshot = builder.build();
  const tree = new OrgTree(snapshot);
  const parsed = snapshot.policies.map((p) => ({ ...p, document: bedrock.documents.parse(p.content) }));
  const walk = new EffectivePolicies(bedrock.engine, tree, attachmentsOf(parsed));
  const settings = (account: string) => Object.fromEntries(bedrock.aws.settings(walk.stateOf(account)));
  return { walk, settings, tree };
}

const config = (settings: Record<string, unknown>) => bedrockDoc({ 'us-east-1': settings });
const excluded = (operators: Record<string, unknown>) => ({
  model_enforcement: { excluded_models: operators },
});
const identifier = (version: number, extra: Record<string, unknown> = {}) => ({
  identifier: { ...extra, '@@assign': `${GUARDRAIL_EAST}:${version}` },
});

/** AWS's Policy A: the root's value and list. */
const POLICY_A = config({
  ...identifier(1),
  ...excluded({ '@@assign': ['vendor.development', 'vendor.support'] }),
});

describe("AWS's inheritance examples, as Bedrock settings", () => {
  it('Example 1: a child @@assign overwrites the inherited list, and adds a setting the parent did not have', () => {
    const policyB = config({
      ...excluded({ '@@assign': ['vendor.sandbox'] }),
      model_enforcement: {
        excluded_models: { '@@assign': ['vendor.sandbox'] },
        included_models: { '@@assign': ['ALL'] },
      },
    });

    const { settings } = effective([
      ['A', POLICY_A, ['root']],
      ['B', policyB, ['OU1']],
    ]);

    expect(settings('111111111111')).toEqual({
      [ID]: `${GUARDRAIL_EAST}:1`,
      [EXCLUDED]: '["vendor.sandbox"]',
      [INCLUDED]: '["ALL"]',
    });
    expect(settings('222222222222')).toEqual(settings('111111111111'));
    expect(settings('999999999999')).toEqual({
      [ID]: `${GUARDRAIL_EAST}:1`,
      [EXCLUDED]: '["vendor.development","vendor.support"]',
    });
  });

  it('Example 2: @@append adds to the inherited list', () => {
    const policyC = config(excluded({ '@@append': ['vendor.marketing'] }));

    const { settings } = effective([
      ['A', POLICY_A, ['root']],
      ['C', policyC, ['OU2']],
    ]);

    expect(settings('999999999999')[EXCLUDED]).toBe(
      '["vendor.development","vendor.support","vendor.marketing"]',
    );
  });

  it('Example 3: @@remove takes values from the inherited list, and only on the account it is attached to', () => {
    const policyC = config(excluded({ '@@append': ['vendor.marketing'] }));
    const policyD = config(excluded({ '@@remove': ['vendor.development', 'vendor.marketing'] }));

    const { settings } = effective([
      ['A', POLICY_A, ['root']],
      ['C', policyC, ['OU2']],
      ['D', policyD, ['999999999999']],
    ]);

    expect(settings('999999999999')[EXCLUDED]).toBe('["vendor.support"]');
  });

  it('Example 4: ["@@none"] on a value keeps it; ["@@append"] on a list allows appending only', () => {
    const policyE = config({
      ...identifier(1, NONE),
      ...excluded({
        '@@operators_allowed_for_child_policies': ['@@append'],
        '@@assign': ['vendor.maintenance', 'vendor.escalations'],
      }),
    });
    const policyF = config({
      ...identifier(2),
      model_enforcement: { excluded_models: { '@@append': ['vendor.research'] } },
    });
    const policyRemove = config(excluded({ '@@remove': ['vendor.maintenance'] }));

    const { settings } = effective([
      ['E', policyE, ['root']],
      ['F', policyF, ['OU1']],
      ['R', policyRemove, ['OU2']],
    ]);

    expect(settings('111111111111')).toEqual({
      [ID]: `${GUARDRAIL_EAST}:1`,
      [EXCLUDED]: '["vendor.maintenance","vendor.escalations","vendor.research"]',
    });
    expect(settings('999999999999')[EXCLUDED]).toBe('["vendor.maintenance","vendor.escalations"]');
  });

  it.each([
    [
      'a list locked to @@assign: a child @@append is not applied',
      ['@@assign'],
      { '@@append': ['vendor.research'] },
      '["vendor.development","vendor.support"]',
    ],
    [
      'a list locked to @@assign: a child @@remove is not applied',
      ['@@assign'],
      { '@@remove': ['vendor.support'] },
      '["vendor.development","vendor.support"]',
    ],
    [
      'a list locked to @@assign: a child @@assign replaces it',
      ['@@assign'],
      { '@@assign': ['vendor.research'] },
      '["vendor.research"]',
    ],
    [
      'an @@append of a value already in the list adds nothing twice',
      ['@@all'],
      { '@@append': ['vendor.support', 'vendor.research'] },
      '["vendor.development","vendor.support","vendor.research"]',
    ],
    [
      'an @@append and an @@remove together: appended, then removed',
      ['@@all'],
      { '@@append': ['vendor.research'], '@@remove': ['vendor.development'] },
      '["vendor.support","vendor.research"]',
    ],
  ])('%s', (_name, allowed, childOperators, printed) => {
    const parent = config(
      excluded({
        '@@operators_allowed_for_child_policies': allowed,
        '@@assign': ['vendor.development', 'vendor.support'],
      }),
    );

    const { settings } = effective([
      ['P', parent, ['root']],
      ['C', config(excluded(childOperators)), ['OU1']],
    ]);

    expect(settings('111111111111')[EXCLUDED]).toBe(printed);
    expect(settings('999999999999')[EXCLUDED]).toBe('["vendor.development","vendor.support"]');
  });

  it('an @@append where no list was inherited makes the list', () => {
    const { settings } = effective([
      ['A', config(identifier(1)), ['root']],
      ['C', config(excluded({ '@@append': ['vendor.research'] })), ['OU2']],
    ]);

    expect(settings('999999999999')[EXCLUDED]).toBe('["vendor.research"]');
    expect(settings('111111111111')[EXCLUDED]).toBeUndefined();
  });

  it('Example 5: child-control operators of policies on one node intersect', () => {
    const policyG = config(
      excluded({
        '@@operators_allowed_for_child_policies': ['@@append'],
        '@@assign': ['vendor.maintenance'],
      }),
    );
    const policyH = config(excluded({ '@@operators_allowed_for_child_policies': ['@@append', '@@remove'] }));
    const child = config(excluded({ '@@remove': ['vendor.maintenance'], '@@append': ['vendor.extra'] }));

    const { settings } = effective([
      ['G', policyG, ['root']],
      ['H', policyH, ['root']],
      ['child', child, ['OU1']],
    ]);

    expect(settings('111111111111')[EXCLUDED]).toBe('["vendor.maintenance","vendor.extra"]');
  });

  it('Example 6: policies on one node that assign different values are a conflict; the value is undecided', () => {
    const { walk, settings, tree } = effective([
      ['J', config(identifier(1)), ['root']],
      ['K', config(identifier(2)), ['root']],
    ]);

    expect(walk.conflicts).toEqual([
      {
        nodeId: tree.root.id,
        service: ID,
        candidates: [
          { policyId: 'p-test000000', policyName: 'J', value: `${GUARDRAIL_EAST}:1` },
          { policyId: 'p-test000001', policyName: 'K', value: `${GUARDRAIL_EAST}:2` },
        ],
        assumed: `${GUARDRAIL_EAST}:1`,
      },
    ]);
    const state = walk.stateOf('999999999999') as BedrockState;
    expect([...state.values.values()][0]?.undecided?.map((c) => c.value)).toEqual([
      `${GUARDRAIL_EAST}:1`,
      `${GUARDRAIL_EAST}:2`,
    ]);
    expect(settings('999999999999')).toEqual({ [ID]: `${GUARDRAIL_EAST}:1` });
  });
});

describe('locks are read per node and never cascade', () => {
  it('["@@none"] on a Region stops new configurations there, not a change of its settings', () => {
    const root = bedrockDoc({}, { 'us-east-1': { ...NONE, config_1: identifier(1) } });
    const child = JSON.stringify({
      bedrock: {
        guardrail_inference: {
          'us-east-1': {
            config_1: identifier(2),
            config_2: { identifier: { '@@assign': `${GUARDRAIL_EAST}:9` } },
          },
        },
      },
    });

    const { settings } = effective([
      ['root', root, ['root']],
      ['child', child, ['OU1']],
    ]);

    expect(settings('111111111111')).toEqual({ [ID]: `${GUARDRAIL_EAST}:2` });
  });

  it('["@@none"] on guardrail_inference stops new Regions; without it a child adds one', () => {
    const locked = bedrockDoc({ 'us-east-1': identifier(1) }, NONE);
    const open = bedrockDoc({ 'us-east-1': identifier(1) });
    const west = bedrockDoc({ 'eu-west-1': { identifier: { '@@assign': `${GUARDRAIL_WEST}:4` } } });

    expect(
      effective([
        ['root', locked, ['root']],
        ['west', west, ['OU1']],
      ]).settings('111111111111'),
    ).toEqual({
      [ID]: `${GUARDRAIL_EAST}:1`,
    });
    expect(
      effective([
        ['root', open, ['root']],
        ['west', west, ['OU1']],
      ]).settings('111111111111'),
    ).toEqual({
      [ID]: `${GUARDRAIL_EAST}:1`,
      'eu-west-1.config_1.identifier': `${GUARDRAIL_WEST}:4`,
    });
  });

  it("a child's lock cannot lift its parent's, and a locked node's child locks are not applied", () => {
    const root = config(identifier(1, NONE));
    const ou = config(identifier(3, { '@@operators_allowed_for_child_policies': ['@@all'] }));
    const account = config(identifier(4));

    const { settings } = effective([
      ['root', root, ['root']],
      ['ou', ou, ['OU1']],
      ['acct', account, ['111111111111']],
    ]);

    expect(settings('111111111111')).toEqual({ [ID]: `${GUARDRAIL_EAST}:1` });
  });

  it('a node with no usable Bedrock policy shares its parent state object', () => {
    const { walk, tree } = effective([
      ['A', POLICY_A, ['root']],
      ['junk', '{"services":{}}', ['OU2']],
    ]);

    expect(walk.stateOf('999999999999')).toBe(walk.stateOf(tree.root.id));
  });

  it('changes lists each setting whose printed value differs, unset when absent', () => {
    const before = effective([['A', POLICY_A, ['root']]]).walk.stateOf('999999999999');
    const after = effective([['A', config(identifier(2)), ['root']]]).walk.stateOf('999999999999');

    expect(bedrock.engine.changes(before, after)).toEqual([
      { service: ID, from: `${GUARDRAIL_EAST}:1`, to: `${GUARDRAIL_EAST}:2` },
      { service: EXCLUDED, from: '["vendor.development","vendor.support"]', to: 'unset' },
    ]);
    expect(bedrock.engine.changes(before, before)).toEqual([]);
  });
});

describe('policies on one node apply in policy id order, whatever order AWS lists them in', () => {
  // ListPolicies and the snapshot list policies in no set order, and no API reports attachment order
  // [ORG-INHERITANCE-ATTACHMENT-ORDER]: the lowest id is the engine's one stable choice.
  const LOW = 'p-aaaaaaaaaa';
  const HIGH = 'p-bbbbbbbbbb';

  it.each([
    ['listed lowest id first', [LOW, HIGH]],
    ['listed highest id first', [HIGH, LOW]],
  ])(
    'two assignments that differ, %s: the lowest id is assumed and the candidates go by id',
    (_name, ids) => {
      const versions: Record<string, number> = { [LOW]: 1, [HIGH]: 2 };
      const { walk, settings, tree } = effective(
        ids.map((id) => [`v${versions[id]}`, config(identifier(versions[id] as number)), ['root'], id]),
      );

      expect(walk.conflicts).toEqual([
        {
          nodeId: tree.root.id,
          service: ID,
          candidates: [
            { policyId: LOW, policyName: 'v1', value: `${GUARDRAIL_EAST}:1` },
            { policyId: HIGH, policyName: 'v2', value: `${GUARDRAIL_EAST}:2` },
          ],
          assumed: `${GUARDRAIL_EAST}:1`,
        },
      ]);
      expect(settings('999999999999')).toEqual({ [ID]: `${GUARDRAIL_EAST}:1` });
    },
  );

  it.each([
    ['listed lowest id first', [LOW, HIGH]],
    ['listed highest id first', [HIGH, LOW]],
  ])("two appends on one node, %s: the lowest id's items come first", (_name, ids) => {
    const items: Record<string, string> = { [LOW]: 'vendor.low', [HIGH]: 'vendor.high' };
    const { settings } = effective([
      ['A', POLICY_A, ['root']],
      ...ids.map((id): [string, string, string[], string] => [
        id,
        config(excluded({ '@@append': [items[id]] })),
        ['OU1'],
        id,
      ]),
    ]);

    expect(settings('111111111111')[EXCLUDED]).toBe(
      '["vendor.development","vendor.support","vendor.low","vendor.high"]',
    );
  });
});

describe("a parent's lock that forbids adding a node keeps out a child's lock on it too", () => {
  // A lock on a node the parent does not hold adds that node, which needs @@assign allowed above it
  // [ORG-INHERITANCE-OPERATORS]: an OU cannot open, for its accounts, a Region the root closed.
  const closed = bedrockDoc({ 'us-east-1': identifier(1) }, NONE);
  const opened = JSON.stringify({
    bedrock: {
      guardrail_inference: {
        'eu-west-1': {
          '@@operators_allowed_for_child_policies': ['@@all'],
          config_1: { identifier: { '@@assign': `${GUARDRAIL_WEST}:4` } },
        },
      },
    },
  });
  const west = bedrockDoc({ 'eu-west-1': { identifier: { '@@assign': `${GUARDRAIL_WEST}:5` } } });

  it.each([
    ['the root closes guardrail_inference: neither the OU nor its account adds eu-west-1', closed, {}],
    [
      'the root leaves it open: the OU adds eu-west-1 and its lock lets the account change it',
      bedrockDoc({ 'us-east-1': identifier(1) }),
      { 'eu-west-1.config_1.identifier': `${GUARDRAIL_WEST}:5` },
    ],
  ])('%s', (_name, root, added) => {
    const { settings } = effective([
      ['root', root, ['root']],
      ['ou', opened, ['OU1']],
      ['acct', west, ['111111111111']],
    ]);

    expect(settings('111111111111')).toEqual({ [ID]: `${GUARDRAIL_EAST}:1`, ...added });
  });
});

describe('changes and settings by name', () => {
  it('changes are listed by setting name, whichever state holds the setting', () => {
    const before = effective([['A', config(identifier(1)), ['root']]]).walk.stateOf('999999999999');
    const after = effective([
      [
        'A',
        bedrockDoc({
          'us-east-1': identifier(2),
          'eu-west-1': { identifier: { '@@assign': `${GUARDRAIL_WEST}:4` } },
        }),
        ['root'],
      ],
    ]).walk.stateOf('999999999999');

    expect(bedrock.engine.changes(before, after)).toEqual([
      { service: 'eu-west-1.config_1.identifier', from: 'unset', to: `${GUARDRAIL_WEST}:4` },
      { service: ID, from: `${GUARDRAIL_EAST}:1`, to: `${GUARDRAIL_EAST}:2` },
    ]);
  });

  it.each([
    [
      ID,
      {
        value: `${GUARDRAIL_EAST}:1`,
        source: { policyId: 'p-test000000', policyName: 'A', nodeId: 'r-test' },
      },
    ],
    [
      EXCLUDED,
      {
        value: ['vendor.research'],
        source: { policyId: 'p-test000001', policyName: 'C', nodeId: 'ou-test-00000001' },
      },
    ],
    ['eu-west-1.config_1.identifier', undefined],
  ])('valueNamed(%s): the setting of that name, its value and the policy that decided it', (name, found) => {
    const state = effective([
      ['A', config(identifier(1)), ['root']],
      ['C', config(excluded({ '@@append': ['vendor.research'] })), ['OU2']],
    ]).walk.stateOf('999999999999') as BedrockState;

    const value = valueNamed(state, name);

    expect(value && { value: value.value, source: value.source }).toEqual(found);
  });
});
