/**
 * The walk of the hierarchy, spread over the rows of AWS's throttling table so that each row's budget
 * is used (see throttle.ts):
 *
 * - every parent's OUs come from ListOrganizationalUnitsForParent (the only list that names them);
 * - every parent's accounts come either from ListAccountsForParent (with their details) or from
 *   ListChildren (ids only, another row), whichever bucket would serve the call first;
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
   * Reads one parent; its child OUs are visited as soon as they are known. Resolves `committed` with
   * whether the parent's children were added to the progress (never before its own parent's were).
   */
  private async visit(parentId: string, parentCommitted: Promise<boolean>): Promise<void> {
    if (this.options.stop?.aborted) return;
    let commit: (done: boolean) => void = () => {};
    const committed = new Promise<boolean>((resolve) => (commit = resolve));
    const ousRead = deferred(this.childOus(parentId));
    const members = deferred(this.members(parentId));
    let children: Promise<unknown> = Promise.resolve();
    try {
      const ous = await ousRead;
      children = deferred(Promise.all(ous.map((ou) => this.visit(ou.Id as string, committed))));
      const accounts = await members;
      const done = (await parentCommitted) && !this.options.stop?.aborted;
      if (done) this.commit(parentId, ous, accounts);
      commit(done);
    } catch (error) {
      commit(false);
      await members.catch(() => {});
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

  /** The accounts directly under one parent, through whichever listing is free first. */
  private async members(parentId: string): Promise<Account[]> {
    if (this.options.throttle.soonest(this.options.listings) === 'ListAccountsForParent') {
      return this.accountsForParent(parentId);
    }
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
    const directory = await this.directory();
    const found = ids.map((id) => directory.get(id));
    if (found.every((account): account is Account => account !== undefined)) return found;
    // An account ListAccounts did not list (created or moved in meanwhile): ask its parent for details.
    return this.accountsForParent(parentId);
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
