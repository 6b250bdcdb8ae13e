/**
 * The floor of a read at AWS's published rates: the least time any mix of Organizations list calls
 * can read an organization in, under the same token-bucket model the rate simulator enforces.
 *
 * The calls a read cannot avoid, per parent (the root and every OU), in pages of 20:
 * - its child OUs with their names: ListOrganizationalUnitsForParent (a parent without child OUs needs
 *   one call to learn so, which ListChildren can answer too);
 * - its accounts: ListAccountsForParent, or ListChildren, which then needs one ListAccounts pass for the
 *   details (ListParents, one call per account, never pays);
 * and once: DescribeOrganization, ListRoots, the AI policies (ListPolicies), each policy's
 * DescribePolicy, ListTagsForResource and ListTargetsForPolicy pages.
 *
 * Each bucket (a row of the throttling table, or an operation) serves burst + rate x T calls by time T.
 * The floor is the least T at which the work fits, every call placed on any bucket that can do it (a
 * transport problem: feasible when every set of kinds of work fits the buckets they may use, Hall's
 * condition). It ignores latency and the order calls depend on (a child's OUs are known only once its
 * parent is read), so no read can beat it.
 */
import { type BucketSharing, PUBLISHED_RATES, rowOf } from '../lambdas/adapters/organizations/throttle.ts';
import type { OrgSnapshot } from '../lambdas/domain/model.ts';

const PAGE = 20;
const pages = (items: number) => Math.max(1, Math.ceil(items / PAGE));

/** Work of one kind: how many calls, and the operations that can make them. */
interface Work {
  calls: number;
  operations: readonly string[];
}

/** The work a read of `snapshot` needs; `withDirectory` lets ListChildren list accounts (ListAccounts then runs once). */
export function readWork(snapshot: OrgSnapshot, withDirectory: boolean): Work[] {
  const parents = [snapshot.root.id, ...snapshot.organizationalUnits.map((ou) => ou.id)];
  const count = (ids: string[]) => {
    const byParent = new Map<string, number>();
    for (const id of ids) byParent.set(id, (byParent.get(id) ?? 0) + 1);
    return byParent;
  };
  const ousUnder = count(snapshot.organizationalUnits.map((ou) => ou.parentId));
  const accountsUnder = count(snapshot.accounts.map((a) => a.parentId));
  let namedOuPages = 0;
  let leaves = 0;
  let memberPages = 0;
  for (const parent of parents) {
    const ous = ousUnder.get(parent) ?? 0;
    if (ous > 0) namedOuPages += pages(ous);
    else leaves++;
    memberPages += pages(accountsUnder.get(parent) ?? 0);
  }
  const policies = snapshot.policies;
  const targetPages = policies.reduce((n, p) => n + pages(p.targets.length), 0);
  const work: Work[] = [
    { calls: namedOuPages, operations: ['ListOrganizationalUnitsForParent'] },
    { calls: leaves, operations: ['ListOrganizationalUnitsForParent', 'ListChildren'] },
    {
      calls: memberPages,
      operations: withDirectory ? ['ListAccountsForParent', 'ListChildren'] : ['ListAccountsForParent'],
    },
    { calls: 1, operations: ['DescribeOrganization'] },
    { calls: 1, operations: ['ListRoots'] },
    { calls: pages(policies.length), operations: ['ListPolicies'] },
    { calls: policies.length, operations: ['DescribePolicy'] },
    { calls: policies.length, operations: ['ListTagsForResource'] },
    { calls: targetPages, operations: ['ListTargetsForPolicy'] },
  ];
  if (withDirectory) work.push({ calls: pages(snapshot.accounts.length), operations: ['ListAccounts'] });
  return work.filter((w) => w.calls > 0);
}

/** Whether `work` fits the buckets by `seconds` (Hall's condition over the kinds of work). */
export function fits(work: readonly Work[], sharing: BucketSharing, seconds: number): boolean {
  const bucketOf = (op: string) => (sharing === 'row' ? rowOf(op) : op);
  const capacity = new Map<string, number>();
  for (const w of work) {
    for (const op of w.operations) {
      const limit = PUBLISHED_RATES[op];
      if (!limit) throw new Error(`no published rate for ${op}`);
      capacity.set(bucketOf(op), limit.burst + limit.rate * seconds);
    }
  }
  for (let subset = 1; subset < 1 << work.length; subset++) {
    let demand = 0;
    const buckets = new Set<string>();
    work.forEach((w, i) => {
      if (!(subset & (1 << i))) return;
      demand += w.calls;
      for (const op of w.operations) buckets.add(bucketOf(op));
    });
    const supply = [...buckets].reduce((sum, b) => sum + (capacity.get(b) ?? 0), 0);
    if (demand > supply + 1e-9) return false;
  }
  return true;
}

/** The least seconds `work` fits in (to a millisecond). */
export function floorSeconds(work: readonly Work[], sharing: BucketSharing): number {
  let [low, high] = [0, 1];
  while (!fits(work, sharing, high)) high *= 2;
  while (high - low > 0.001) {
    const mid = (low + high) / 2;
    if (fits(work, sharing, mid)) high = mid;
    else low = mid;
  }
  return high;
}

/** The floor for reading `snapshot`: the better of listing accounts with or without ListChildren. */
export function readFloorSeconds(snapshot: OrgSnapshot, sharing: BucketSharing): number {
  return Math.min(
    floorSeconds(readWork(snapshot, false), sharing),
    floorSeconds(readWork(snapshot, true), sharing),
  );
}
