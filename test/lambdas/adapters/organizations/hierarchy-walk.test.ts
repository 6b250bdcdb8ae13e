/**
 * The hierarchy walk against moto (through the fault proxy): every way of listing a parent's accounts
 * (ListAccountsForParent, the strategy before the walk was spread; ListChildren with ListAccounts for
 * the details; a mix) gives the same snapshot, an account ListAccounts missed is still read with its
 * details, and a walk cut short continues to the same snapshot.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import type { MemberListing } from '../../../../lambdas/adapters/organizations/hierarchy-walk.ts';
import { OrganizationsReader, startOfWalk } from '../../../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../../../lambdas/adapters/organizations/throttle.ts';
import type { OrgSnapshot } from '../../../../lambdas/domain/model.ts';
import { type CallCounts, countCalls } from '../../../support/call-counts.ts';
import { useLiveEnvironment } from '../../../support/live-env.ts';
import {
  addAccount,
  addOu,
  addPolicy,
  createLzaOrg,
  type MotoOrg,
  TEST_CREDENTIALS,
} from '../../../support/moto-org.ts';

const env = useLiveEnvironment();
const NOW = new Date('2026-12-01T12:00:00Z');

/** A throttle whose first bucket never has a token to spare, so every listing works (a paced throttle decides by its buckets). */
class BusyThrottle extends Throttle {
  override delayMs(): number {
    return 1;
  }
}

function reader(
  listings?: readonly [MemberListing, ...MemberListing[]],
  throttle: Throttle = new Throttle({ rates: 'none' }),
) {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: env.proxy.endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  const counts: CallCounts = countCalls(client);
  return { client, counts, reader: new OrganizationsReader(client, { throttle, memberListings: listings }) };
}

/** The snapshot with its lists in id order (the walk commits parents in the order they finish). */
function normalized(snapshot: OrgSnapshot): OrgSnapshot {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  return {
    ...snapshot,
    organizationalUnits: byId(snapshot.organizationalUnits),
    accounts: byId(snapshot.accounts),
    policies: byId(snapshot.policies),
  };
}

/** The LZA-shaped org, one level deeper, 23 accounts in one OU (two pages) and a policy per level. */
async function largerLzaOrg(): Promise<MotoOrg> {
  const org = await createLzaOrg(env.admin, { enable: true });
  await addOu(env.admin, org, 'Workloads/Prod/Payments');
  await addOu(env.admin, org, 'Suspended');
  for (let i = 0; i < 23; i++) await addAccount(env.admin, org, `payments-${i}`, 'Workloads/Prod/Payments');
  const doc = { services: { default: { opt_out_policy: { '@@assign': 'optOut' } } } };
  await addPolicy(env.admin, org, 'base', doc, ['root', 'Workloads/Prod/Payments', 'payments-3']);
  return org;
}

describe('hierarchy walk: every listing gives the same snapshot', () => {
  it('ListChildren with ListAccounts, and a mix of both listings, read what ListAccountsForParent reads', async () => {
    // Prepare
    const org = await largerLzaOrg();
    const before = reader(['ListAccountsForParent']);
    const children = reader(['ListChildren']);
    const mixed = reader(['ListAccountsForParent', 'ListChildren'], new BusyThrottle({ rates: 'none' }));

    // Act
    const expected = normalized(await before.reader.read(NOW));
    const viaChildren = normalized(await children.reader.read(NOW));
    const viaBoth = normalized(await mixed.reader.read(NOW));

    // Assess
    expect(expected.accounts).toHaveLength(1 + 6 + 23);
    expect(expected.organizationalUnits).toHaveLength(7);
    expect(expected.accounts.find((a) => a.name === 'payments-7')).toEqual({
      id: org.accounts['payments-7'],
      name: 'payments-7',
      email: 'payments-7@example.com',
      status: 'ACTIVE',
      parentId: org.ous['Workloads/Prod/Payments'],
    });
    expect(viaChildren).toEqual(expected);
    expect(viaBoth).toEqual(expected);
    // 8 parents (root and 7 OUs); 30 accounts are two ListAccounts pages of 20 (moto's ListChildren
    // ignores MaxResults, so it is one page a parent there).
    expect(before.counts).toMatchObject({
      ListAccountsForParent: 8 + 1,
      ListOrganizationalUnitsForParent: 8,
    });
    expect(before.counts.ListChildren).toBeUndefined();
    expect(before.counts.ListAccounts).toBeUndefined();
    expect(children.counts).toMatchObject({ ListChildren: 8, ListAccounts: 2 });
    expect(children.counts.ListAccountsForParent).toBeUndefined();
    expect(mixed.counts.ListChildren).toBeGreaterThan(0);
    expect(mixed.counts.ListAccountsForParent).toBeGreaterThan(0);
    expect((mixed.counts.ListChildren ?? 0) + (mixed.counts.ListAccountsForParent ?? 0)).toBeLessThanOrEqual(
      8 + 1,
    );
  });

  it('an account ListAccounts did not list (created meanwhile) is read with its parent through ListAccountsForParent', async () => {
    // Prepare: ListAccounts answers as if audit did not exist yet
    const org = await largerLzaOrg();
    const expected = normalized(await reader(['ListAccountsForParent']).reader.read(NOW));
    env.proxy.addFault({
      operation: 'ListAccounts',
      times: Infinity,
      type: 'rewrite',
      rewrite: (body) => ({
        ...body,
        Accounts: (body.Accounts as { Id: string }[]).filter((a) => a.Id !== org.accounts.audit),
      }),
    });
    const children = reader(['ListChildren']);

    // Act
    const snapshot = normalized(await children.reader.read(NOW));

    // Assess: only Security (audit's OU) is asked again
    expect(snapshot).toEqual(expected);
    expect(children.counts.ListAccountsForParent).toBe(1);
  });
});

describe('hierarchy walk: cut short and continued', () => {
  it.each([
    ['ListChildren', 3],
    ['ListAccountsForParent', 3],
    ['ListOrganizationalUnitsForParent', 4],
    ['ListAccounts', 1],
  ])(
    'stopped at the %s call number %i, the next walk finishes to the same snapshot, no parent twice',
    async (operation, at) => {
      // Prepare
      const org = await largerLzaOrg();
      const expected = normalized(await reader(['ListAccountsForParent']).reader.read(NOW));
      // The listing stopped at works first, so it makes enough calls; ListChildren otherwise (the directory is read).
      const listings: [MemberListing, MemberListing] =
        operation === 'ListAccountsForParent'
          ? ['ListAccountsForParent', 'ListChildren']
          : ['ListChildren', 'ListAccountsForParent'];
      const stop = new AbortController();
      const first = reader(listings, new BusyThrottle({ rates: 'none', signal: stop.signal }));
      let seen = 0;
      first.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === `${operation}Command` && ++seen === at)
            stop.abort(new Error('deadline'));
          return next(args);
        },
        { step: 'initialize', name: 'stopAt' },
      );

      // Act
      const cut = await first.reader.walkHierarchy(startOfWalk(org.rootId), stop.signal);
      const second = reader(listings, new BusyThrottle({ rates: 'none' }));
      const finished = await second.reader.walkHierarchy(cut);

      // Assess
      expect(cut.pending.length).toBeGreaterThan(0);
      const committedParents = [org.rootId, ...cut.organizationalUnits.map((ou) => ou.id)].filter(
        (id) => !cut.pending.includes(id),
      );
      for (const account of cut.accounts) expect(committedParents).toContain(account.parentId);
      expect(finished.pending).toEqual([]);
      for (const ou of cut.organizationalUnits) expect(committedParents).toContain(ou.parentId);
      const { organizationalUnits, accounts } = finished;
      expect(normalized({ ...expected, organizationalUnits, accounts })).toEqual(expected);
      const ids = finished.accounts.map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );
});
