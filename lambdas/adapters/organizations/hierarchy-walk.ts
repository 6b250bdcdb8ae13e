/**
 * The walk of the hierarchy, spread over the rows of AWS's throttling table so that each row's budget
 * is used (see throttle.ts):
 *
 * - every parent's OUs come from ListOrganizationalUnitsForParent (the only list that names them);
 * - every parent's accounts come either from ListAccountsForParent (with their details) or from
 *   ListChildren (ids only, another row): parents wait in one queue, and a few workers per listing take
 *   the next parent as they finish one, so each row's bucket pulls as much work as it can serve. The
 *   first listing always works; the others take a parent only while the first one's bucket has no
 *   token to spare (so a small organization, or an unpaced read, uses ListAccountsForParent alone);
 * - the details of accounts listed by ListChildren come from one ListAccounts pass (a third row, 20
 *   accounts a page), started when ListChildren is first used.
 *
 * ListParents (one call per child) and ListPoliciesForTarget (one per target) would cost a call per
 * account, so they are not used. A parent's OUs and accounts are committed to the progress together,
 * and only after its own parent's, so a walk cut short leaves a consistent progress to continue from:
 * every committed parent is complete, every other one is pending.
 */
import {
  type Account,
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  ListAccountsForParentCommand,
  type ListAccountsForParentCommandOutput,
  ListChildrenCommand,
  type ListChildrenCommandOutput,
  ListOrganizationalUnitsForParentCommand,
  type ListOrganizationalUnitsForParentCommandOutput,
  type OrganizationalUnit,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrgSnapshot } from '../../domain/model.ts';
import type { Throttle } from './throttle.ts';

/** The most any list operation returns per page [ORG-LIST-PAGES]. */
export const PAGE_SIZE = 20;

/** A walk of the hierarchy, complete when nothing is pending. */
export interface HierarchyProgress {
  organizationalUnits: OrgSnapshot['organizationalUnits'];
  accounts: OrgSnapshot['accounts'];
  /** The root or OUs whose children have not been read yet. */
  pending: string[];
}

/** The operations that list the accounts under one parent. */
export const MEMBER_LISTINGS = ['ListAccountsForParent', 'ListChildren'] as const;
export type MemberListing = (typeof MEMBER_LISTINGS)[number];

/** What the walk needs of the reader: paginated calls, paced and with errors translated. */
export interface Pager {
  paginate<Page extends { NextToken?: string | undefined }, Item>(
    operation: string,
    sendPage: (client: OrganizationsClient, token: string | undefined) => Promise<Page>,
    items: (page: Page) => Item[] | undefined,
  ): Promise<Item[]>;
}

interface WalkOptions {
  throttle: Throttle;
  /** The listings the walk may pick from, best first (tests pin one). */
  listings: readonly [MemberListing, ...MemberListing[]];
  stop?: AbortSignal | undefined;
}

/** Parents one listing works on at once (the throttle's in-flight cap is 4 per bucket). */
const WORKERS_PER_LISTING = 4;

/** A parent's accounts as listed: with their details, or ids only (ListChildren). */
type Listed = { accounts: Account[] } | { ids: string[] };

interface MemberJob {
  parentId: string;
  resolve: (listed: Listed) => void;
  reject: (error: unknown) => void;
}

/** Awaits `promise` but lets a rejection be handled later (no unhandled rejection meanwhile). */
function deferred<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

export class HierarchyWalk {
  private readonly organizationalUnits: OrgSnapshot['organizationalUnits'];
  private readonly accounts: OrgSnapshot['accounts'];
  private readonly pending: Set<string>;
  private directoryRead: Promise<Map<string, Account>> | undefined;
  private readonly memberJobs: MemberJob[] = [];
  private readonly workers = new Map<MemberListing, number>();

  constructor(
    private readonly pager: Pager,
    private readonly options: WalkOptions,
    progress: HierarchyProgress,
  ) {
    this.organizationalUnits = [...progress.organizationalUnits];
    this.accounts = [...progress.accounts];
    this.pending = new Set(progress.pending);
  }

  /** Walks from the pending parents. Without `stop`, errors propagate and the walk is complete when it returns. */
  async run(): Promise<HierarchyProgress> {
    const committed = Promise.resolve(true);
    await Promise.all([...this.pending].map((parentId) => this.visit(parentId, committed)));
    return {
      organizationalUnits: this.organizationalUnits,
      accounts: this.accounts,
      pending: [...this.pending],
    };
  }

  /**
   * Reads one parent; its child OUs are visited once both its lists are read (the account details of a
   * ListChildren listing may come later, from ListAccounts). Resolves `committed` with whether the
   * parent's children were added to the progress (never before its own parent's were).
   */
  private async visit(parentId: string, parentCommitted: Promise<boolean>): Promise<void> {
    if (this.options.stop?.aborted) return;
    let commit: (done: boolean) => void = () => {};
    const committed = new Promise<boolean>((resolve) => (commit = resolve));
    let children: Promise<unknown> = Promise.resolve();
    try {
      const [ous, listed] = await Promise.all([this.childOus(parentId), this.members(parentId)]);
      const stopped = () => this.options.stop?.aborted === true;
      if (stopped()) throw this.options.stop?.reason;
      // With the details at hand the parent commits before any child starts a call.
      let done = 'accounts' in listed && (await parentCommitted) && !stopped();
      if (done) this.commit(parentId, ous, (listed as { accounts: Account[] }).accounts);
      children = deferred(Promise.all(ous.map((ou) => this.visit(ou.Id as string, committed))));
      if (!done) {
        const accounts = await this.detailsOf(parentId, listed);
        done = (await parentCommitted) && !stopped();
        if (done) this.commit(parentId, ous, accounts);
      }
      commit(done);
    } catch (error) {
      commit(false);
      if (!this.options.stop?.aborted) throw error;
    }
    await children;
  }

  private commit(parentId: string, ous: OrganizationalUnit[], members: Account[]): void {
    for (const account of members) {
      this.accounts.push({
        id: account.Id as string,
        name: account.Name ?? '',
        email: account.Email,
        status: account.State ?? account.Status,
        parentId,
      });
    }
    for (const ou of ous) {
      this.organizationalUnits.push({ id: ou.Id as string, name: ou.Name ?? '', parentId });
      this.pending.add(ou.Id as string);
    }
    this.pending.delete(parentId);
  }

  private async childOus(parentId: string): Promise<OrganizationalUnit[]> {
    const ous = await this.pager.paginate<ListOrganizationalUnitsForParentCommandOutput, OrganizationalUnit>(
      'ListOrganizationalUnitsForParent',
      (client, NextToken) =>
        client.send(
          new ListOrganizationalUnitsForParentCommand({
            ParentId: parentId,
            NextToken,
            MaxResults: PAGE_SIZE,
          }),
        ),
      (page) => page.OrganizationalUnits,
    );
    return ous.filter((ou) => ou.Id);
  }

  /** The accounts directly under one parent, listed by the first worker free to take it. */
  private members(parentId: string): Promise<Listed> {
    return new Promise<Listed>((resolve, reject) => {
      this.memberJobs.push({ parentId, resolve, reject });
      this.startWorkers();
    });
  }

  /** The listed accounts with their details (for ids, from the ListAccounts pass). */
  private async detailsOf(parentId: string, listed: Listed): Promise<Account[]> {
    if ('accounts' in listed) return listed.accounts;
    const directory = await this.directory();
    const found = listed.ids.map((id) => directory.get(id));
    if (found.every((account): account is Account => account !== undefined)) return found;
    // An account ListAccounts did not list (created or moved in meanwhile): ask its parent for details.
    return this.accountsForParent(parentId);
  }

  /** Starts workers while parents wait: each time for the listing with the fewest at work (the first on a tie). */
  private startWorkers(): void {
    while (this.memberJobs.length > 0) {
      const count = (listing: MemberListing) => this.workers.get(listing) ?? 0;
      const free = this.options.listings.filter((l) => count(l) < WORKERS_PER_LISTING && this.mayTake(l));
      const listing = free.reduce<MemberListing | undefined>(
        (best, l) => (best === undefined || count(l) < count(best) ? l : best),
        undefined,
      );
      if (!listing) return;
      this.workers.set(listing, count(listing) + 1);
      void this.work(listing);
    }
  }

  private mayTake(listing: MemberListing): boolean {
    const [first] = this.options.listings;
    return listing === first || this.options.throttle.delayMs(first) > 0;
  }

  private async work(listing: MemberListing): Promise<void> {
    for (let job = this.memberJobs.shift(); job; job = this.nextJob(listing)) {
      try {
        this.options.stop?.throwIfAborted();
        job.resolve(await this.listMembers(listing, job.parentId));
      } catch (error) {
        job.reject(error);
      }
      this.startWorkers(); // the first listing's bucket may have run out of tokens meanwhile
    }
    this.workers.set(listing, (this.workers.get(listing) ?? 1) - 1);
  }

  private nextJob(listing: MemberListing): MemberJob | undefined {
    return this.mayTake(listing) ? this.memberJobs.shift() : undefined;
  }

  private async listMembers(listing: MemberListing, parentId: string): Promise<Listed> {
    if (listing === 'ListAccountsForParent') return { accounts: await this.accountsForParent(parentId) };
    void this.directory().catch(() => {}); // started now, awaited by members() once the worker is free
    const ids = await this.pager.paginate<ListChildrenCommandOutput, string>(
      'ListChildren',
      (client, NextToken) =>
        client.send(
          new ListChildrenCommand({
            ParentId: parentId,
            ChildType: 'ACCOUNT',
            NextToken,
            MaxResults: PAGE_SIZE,
          }),
        ),
      (page) => page.Children?.map((child) => child.Id).filter((id): id is string => Boolean(id)),
    );
    return { ids };
  }

  private async accountsForParent(parentId: string): Promise<Account[]> {
    const accounts = await this.pager.paginate<ListAccountsForParentCommandOutput, Account>(
      'ListAccountsForParent',
      (client, NextToken) =>
        client.send(
          new ListAccountsForParentCommand({ ParentId: parentId, NextToken, MaxResults: PAGE_SIZE }),
        ),
      (page) => page.Accounts,
    );
    return accounts.filter((account) => account.Id);
  }

  /** Every account of the organization by id (ListAccounts, read once per walk, when first needed). */
  private directory(): Promise<Map<string, Account>> {
    this.directoryRead ??= this.pager
      .paginate<ListAccountsCommandOutput, Account>(
        'ListAccounts',
        (client, NextToken) => client.send(new ListAccountsCommand({ NextToken, MaxResults: PAGE_SIZE })),
        (page) => page.Accounts,
      )
      .then((accounts) => new Map(accounts.filter((a) => a.Id).map((a) => [a.Id as string, a])));
    return this.directoryRead;
  }
}
