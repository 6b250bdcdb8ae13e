/**
 * The benchmark's floor model on an organization small enough to work out by hand: 20 OUs under the
 * root, 40 accounts in each (two pages), the management account at the root, no policies.
 */
import { describe, expect, it } from 'vitest';
import { fits, readFloorSeconds, readWork } from '../../bench/read-floor.ts';
import { OrgBuilder } from '../support/org-builder.ts';

function organization() {
  const builder = new OrgBuilder().account('management');
  for (let ou = 0; ou < 20; ou++) {
    for (let i = 0; i < 40; i++) builder.account(`a${ou}-${i}`, `Team${ou}`);
  }
  return builder.build();
}

describe('read floor', () => {
  it('counts the calls a read cannot avoid', () => {
    const work = readWork(organization(), true);
    const calls = Object.fromEntries(work.map((w) => [w.operations.join('|'), w.calls]));
    expect(calls).toEqual({
      ListOrganizationalUnitsForParent: 1, // the root's 20 OUs, named
      'ListOrganizationalUnitsForParent|ListChildren': 20, // each OU has none: one call to learn so
      'ListAccountsForParent|ListChildren': 1 + 20 * 2,
      DescribeOrganization: 1,
      ListRoots: 1,
      ListPolicies: 1,
      ListAccounts: 41, // 801 accounts
    });
    expect(
      readWork(organization(), false).find((w) => w.operations.includes('ListAccounts')),
    ).toBeUndefined();
  });

  it('one bucket per row: the shared row and ListChildren split 62 calls (18 + 11 per second: 4 s)', () => {
    const snapshot = organization();
    expect(fits(readWork(snapshot, true), 'row', 4.0)).toBe(true);
    expect(fits(readWork(snapshot, true), 'row', 3.99)).toBe(false);
    // Without ListChildren for accounts the shared row alone makes 42 calls: (42 - 8) / 5 = 6.8 s.
    expect(fits(readWork(snapshot, false), 'row', 6.8)).toBe(true);
    expect(fits(readWork(snapshot, false), 'row', 6.79)).toBe(false);
    expect(readFloorSeconds(snapshot, 'row')).toBeCloseTo(4.0, 2);
  });

  it('one bucket per operation: ListAccounts (41 pages, (41 - 12) / 8 = 3.625 s) decides', () => {
    const snapshot = organization();
    expect(fits(readWork(snapshot, true), 'operation', 3.625)).toBe(true);
    expect(fits(readWork(snapshot, true), 'operation', 3.62)).toBe(false);
    expect(readFloorSeconds(snapshot, 'operation')).toBeCloseTo(3.625, 2);
  });
});
