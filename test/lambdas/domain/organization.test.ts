/**
 * The organization's tree (lambdas/domain/organization.ts): a snapshot's hierarchy checked (each id
 * once, parents that are the root or an OU, every node reachable from the root), and a declared target
 * resolved to one node, or told why not: no such node, or several of that name. Ids as Organizations
 * writes them [ORG-ID-FORMATS].
 */
import { describe, expect, it } from 'vitest';
import type { OrgSnapshot } from '../../../lambdas/domain/model.ts';
import { InvalidHierarchyError, OrgTree } from '../../../lambdas/domain/organization.ts';

type Hierarchy = Pick<OrgSnapshot, 'root' | 'organizationalUnits' | 'accounts'>;

const ROOT = { id: 'r-ab12', name: 'Root', policyTypes: [] };
const WORKLOADS = { id: 'ou-ab12-00000001', name: 'Workloads', parentId: 'r-ab12' };
const PROD = { id: 'ou-ab12-00000002', name: 'Prod', parentId: WORKLOADS.id };
const SANDBOX = { id: 'ou-ab12-00000003', name: 'Sandbox', parentId: 'r-ab12' };
const APP = { id: '111122223333', name: 'prod-app', parentId: PROD.id };
const DEV = { id: '444455556666', name: 'dev', parentId: SANDBOX.id };

const hierarchy: Hierarchy = {
  root: ROOT,
  organizationalUnits: [WORKLOADS, PROD, SANDBOX],
  accounts: [APP, DEV],
};

function refusal(snapshot: Hierarchy): unknown {
  try {
    new OrgTree(snapshot);
  } catch (error) {
    return error instanceof InvalidHierarchyError ? `${error.name}: ${error.message}` : error;
  }
  return 'accepted';
}

describe('OrgTree: the hierarchy', () => {
  it('paths, chains, labels and the order from the root down', () => {
    const tree = new OrgTree(hierarchy);
    const app = tree.get(APP.id);

    expect(tree.root).toMatchObject({ id: 'r-ab12', type: 'ROOT', path: 'Root', parentId: undefined });
    expect(tree.get(PROD.id)).toMatchObject({ type: 'ORGANIZATIONAL_UNIT', path: 'Root/Workloads/Prod' });
    expect(app).toMatchObject({ type: 'ACCOUNT', path: 'Root/Workloads/Prod' });
    expect(app && tree.chain(app).map((n) => n.id)).toEqual(['r-ab12', WORKLOADS.id, PROD.id, APP.id]);
    expect(tree.chain(tree.root).map((n) => n.id)).toEqual(['r-ab12']);
    expect(app && tree.label(app)).toBe('prod-app (111122223333)');
    expect(tree.label(tree.get(PROD.id) ?? tree.root)).toBe('Root/Workloads/Prod');
    expect(tree.label(tree.root)).toBe('Root');
  });

  it.each<[string, Hierarchy, string]>([
    [
      'an OU twice',
      { ...hierarchy, organizationalUnits: [WORKLOADS, SANDBOX, WORKLOADS] },
      `InvalidHierarchyError: OU ${WORKLOADS.id} appears twice`,
    ],
    [
      'an account twice',
      { ...hierarchy, accounts: [APP, DEV, APP] },
      'InvalidHierarchyError: account 111122223333 appears twice',
    ],
    [
      'an account under an account',
      { ...hierarchy, accounts: [APP, { ...DEV, parentId: APP.id }] },
      'InvalidHierarchyError: 444455556666 names parent 111122223333, which is not the root or an OU',
    ],
    [
      'an OU under a missing parent',
      {
        ...hierarchy,
        organizationalUnits: [WORKLOADS, PROD, { ...SANDBOX, parentId: 'ou-ab12-99999999' }],
        accounts: [],
      },
      `InvalidHierarchyError: ${SANDBOX.id} names parent ou-ab12-99999999, which is not the root or an OU`,
    ],
    [
      'a parent cycle: the first node the root does not reach is named',
      {
        ...hierarchy,
        organizationalUnits: [
          WORKLOADS,
          { ...PROD, parentId: SANDBOX.id },
          { ...SANDBOX, parentId: PROD.id },
        ],
        accounts: [APP],
      },
      `InvalidHierarchyError: ${PROD.id} is not reachable from the root (a parent cycle)`,
    ],
  ])('refuses %s', (_, snapshot, message) => {
    expect(refusal(snapshot)).toBe(message);
  });
});

describe('OrgTree: resolving a target', () => {
  const tree = new OrgTree({
    ...hierarchy,
    organizationalUnits: [
      ...hierarchy.organizationalUnits,
      { id: 'ou-ab12-00000004', name: 'Twin', parentId: 'r-ab12' },
      { id: 'ou-ab12-00000005', name: 'Twin', parentId: 'r-ab12' },
    ],
    accounts: [
      ...hierarchy.accounts,
      { id: '777788889999', name: 'dev', parentId: PROD.id },
      { id: '000011112222', name: 'shared', parentId: 'r-ab12' },
    ],
  });
  const resolved = (kind: 'ou' | 'account', ref: string) => {
    const result = tree.resolve({ kind, ref });
    return result.ok ? result.node.id : { message: result.message, hint: result.hint };
  };

  it('finds the root, an OU by path (with or without Root/ and slashes) or id, an account by id or name', () => {
    expect(tree.resolve({ kind: 'root' })).toEqual({ ok: true, node: tree.root });
    for (const path of [
      'Workloads/Prod',
      'Root/Workloads/Prod',
      '/Workloads/Prod/',
      '//Workloads/Prod',
      'Workloads/Prod//',
      PROD.id,
    ])
      expect(resolved('ou', path), path).toBe(PROD.id);
    expect(resolved('account', '111122223333')).toBe(APP.id);
    expect(resolved('account', 'shared')).toBe('000011112222');
  });

  it.each<[string, 'ou' | 'account', string, unknown]>([
    [
      'an OU id that does not exist',
      'ou',
      'ou-ab12-99999999',
      { message: 'OU id ou-ab12-99999999 does not exist in organization root r-ab12', hint: undefined },
    ],
    [
      'an OU path that does not exist, with the closest',
      'ou',
      'Sandbx',
      { message: 'OU Root/Sandbx does not exist', hint: 'did you mean `Sandbox`?' },
    ],
    [
      'an OU path with nothing close',
      'ou',
      'Elsewhere/Far',
      { message: 'OU Root/Elsewhere/Far does not exist', hint: undefined },
    ],
    [
      'an OU path of two OUs',
      'ou',
      'Twin',
      {
        message: 'OU path Twin matches 2 OUs (ou-ab12-00000004, ou-ab12-00000005)',
        hint: 'use the OU id instead',
      },
    ],
    [
      'an account id that is no member',
      'account',
      '999999999999',
      { message: 'account 999999999999 is not a member of the organization', hint: undefined },
    ],
    [
      'an account name of two accounts',
      'account',
      'dev',
      {
        message: 'account name dev matches 2 accounts (444455556666, 777788889999)',
        hint: 'use the 12-digit account id instead',
      },
    ],
    [
      'an account name that does not exist, with the closest',
      'account',
      'sharde',
      { message: 'no account named sharde in the organization', hint: 'did you mean `shared`?' },
    ],
  ])('%s', (_, kind, ref, expected) => {
    expect(resolved(kind, ref)).toEqual(expected);
  });
});
