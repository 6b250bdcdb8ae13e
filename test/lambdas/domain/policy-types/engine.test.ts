/**
 * The engine's rules for one node (lambdas/domain/policy-types/ai-optout/engine.ts)
 * [ORG-INHERITANCE-OPERATORS] [ORG-INHERITANCE-ATTACHMENT-ORDER] [ORG-AI-RESOLVED-SETTING]: what
 * several policies on a node decide, what a lock on the service list leaves open, and the changes
 * between two states in report order. effective-policy.test.ts checks whole organizations.
 */
import { describe, expect, it } from 'vitest';
import { OrgTree } from '../../../../lambdas/domain/organization.ts';
import type { Expectation } from '../../../../lambdas/domain/policy-types/ai-optout/desired-state.ts';
import { parsePolicyDocument } from '../../../../lambdas/domain/policy-types/ai-optout/document.ts';
import {
  EMPTY_STATE,
  mergeNode,
  resolvedSource,
  settingChanges,
} from '../../../../lambdas/domain/policy-types/ai-optout/engine.ts';
import { breaches } from '../../../../lambdas/domain/policy-types/ai-optout/expect.ts';

const NONE = { '@@operators_allowed_for_child_policies': ['@@none'] };

function policy(id: string, services: Record<string, unknown>) {
  return { id, name: `name-${id}`, document: parsePolicyDocument(JSON.stringify({ services })) };
}
const assign = (value: string) => ({ opt_out_policy: { '@@assign': value } });

describe('mergeNode', () => {
  it('policies that agree: the value is the one of the lowest policy id, whatever the attachment order', () => {
    const { state, conflicts } = mergeNode(EMPTY_STATE, 'r-ab12', [
      policy('p-bbbbbbbb', { lex: assign('optOut') }),
      policy('p-aaaaaaaa', { lex: assign('optOut') }),
    ]);
    expect(state.entries.get('lex')?.source).toEqual({
      policyId: 'p-aaaaaaaa',
      policyName: 'name-p-aaaaaaaa',
      nodeId: 'r-ab12',
    });
    expect(conflicts).toEqual([]);
  });

  it('policies that disagree: optIn is assumed, and the conflict lists them by id', () => {
    const { state, conflicts } = mergeNode(EMPTY_STATE, 'r-ab12', [
      policy('p-cccccccc', { lex: assign('optOut') }),
      policy('p-bbbbbbbb', { lex: assign('optIn') }),
      policy('p-aaaaaaaa', { lex: assign('optOut') }),
    ]);
    expect(state.entries.get('lex')?.value).toBe('optIn');
    expect(conflicts).toEqual([
      {
        nodeId: 'r-ab12',
        service: 'lex',
        assumed: 'optIn',
        candidates: [
          { policyId: 'p-aaaaaaaa', policyName: 'name-p-aaaaaaaa', value: 'optOut' },
          { policyId: 'p-bbbbbbbb', policyName: 'name-p-bbbbbbbb', value: 'optIn' },
          { policyId: 'p-cccccccc', policyName: 'name-p-cccccccc', value: 'optOut' },
        ],
      },
    ]);
  });

  it('a lock on the service list stops a new service, not a new value of one the parent set', () => {
    const root = mergeNode(EMPTY_STATE, 'r-ab12', [
      policy('p-root0001', { ...NONE, lex: assign('optOut') }),
    ]).state;
    const ou = mergeNode(root, 'ou-ab12-00000001', [
      policy('p-ou000001', { lex: assign('optIn'), polly: assign('optIn') }),
    ]).state;
    expect(ou.entries.get('lex')?.value).toBe('optIn');
    expect(ou.entries.has('polly')).toBe(false);
  });
});

describe('resolvedSource and settingChanges', () => {
  const root = mergeNode(EMPTY_STATE, 'r-ab12', [
    policy('p-root0001', { default: assign('optOut'), lex: assign('optOut') }),
  ]).state;
  const ou = mergeNode(root, 'ou-ab12-00000001', [
    policy('p-ou000001', {
      rekognition: assign('optIn'),
      lex: assign('optIn'),
      default: assign('optIn'),
      comprehend: assign('optIn'),
    }),
  ]).state;

  it("a service without a value of its own is decided by `default`'s policy", () => {
    expect(resolvedSource(root, 'polly')).toEqual({
      policyId: 'p-root0001',
      policyName: 'name-p-root0001',
      nodeId: 'r-ab12',
    });
    expect(resolvedSource(EMPTY_STATE, 'polly')).toBeUndefined();
  });

  it('lists the services whose setting changes, `default` first, then by key', () => {
    expect(settingChanges(root, ou)).toEqual([
      { service: 'default', from: 'optOut', to: 'optIn' },
      { service: 'comprehend', from: 'optOut', to: 'optIn' },
      { service: 'lex', from: 'optOut', to: 'optIn' },
      { service: 'rekognition', from: 'optOut', to: 'optIn' },
    ]);
    expect(settingChanges(EMPTY_STATE, root)).toEqual([
      { service: 'default', from: 'unset', to: 'optOut' },
      { service: 'lex', from: 'unset', to: 'optOut' },
    ]);
  });
});

describe('breaches of expect', () => {
  const tree = new OrgTree({
    root: { id: 'r-ab12', name: 'Root', policyTypes: [] },
    organizationalUnits: [],
    accounts: [{ id: '111122223333', name: 'app', parentId: 'r-ab12' }],
  });
  const state = mergeNode(EMPTY_STATE, 'r-ab12', [
    policy('p-root0001', { default: assign('optOut'), lex: assign('optIn'), polly: assign('optOut') }),
  ]).state;
  const at = { cause: 'p-root0001@r-ab12', causeDetail: 'name-p-root0001 on Root' };
  const none = new Set<string>();
  const expecting = (optOut: Expectation['optOut']): Expectation => ({
    optOut,
    except: [],
    location: { file: 'a.yaml', line: 1, col: 1 },
  });

  it('optOut all: the default, then each service of its own opted in, unless exempt', () => {
    expect(breaches(tree, state, expecting('all'), none)).toEqual([
      { service: 'lex', expected: 'optOut', actual: 'optIn', ...at },
    ]);
    expect(breaches(tree, state, expecting('all'), new Set(['lex']))).toEqual([]);
    expect(breaches(tree, EMPTY_STATE, expecting('all'), none)).toEqual([
      {
        service: 'default',
        expected: 'optOut',
        actual: 'unset',
        cause: 'none',
        causeDetail: 'no AI opt-out policy sets it',
      },
    ]);
    expect(breaches(tree, EMPTY_STATE, expecting('all'), new Set(['default']))).toEqual([]);
  });

  it('a list: each service listed resolves to optOut, unless exempt; the cause is the policy and its node', () => {
    const list = expecting(['lex', 'polly', 'comprehend']);
    expect(breaches(tree, state, list, none)).toEqual([
      { service: 'lex', expected: 'optOut', actual: 'optIn', ...at },
    ]);
    expect(breaches(tree, state, list, new Set(['lex']))).toEqual([]);
    const elsewhere = mergeNode(EMPTY_STATE, 'ou-gone-00000001', [
      policy('p-ou000001', { lex: assign('optIn') }),
    ]).state;
    expect(breaches(tree, elsewhere, list, none).map((b) => [b.service, b.actual, b.causeDetail])).toEqual([
      ['lex', 'optIn', 'name-p-ou000001 on ou-gone-00000001'],
      ['polly', 'unset', 'no AI opt-out policy sets it'],
      ['comprehend', 'unset', 'no AI opt-out policy sets it'],
    ]);
  });
});
