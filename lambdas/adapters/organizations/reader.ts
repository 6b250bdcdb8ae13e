/**
 * Reads an organization into the snapshot model: DescribeOrganization and ListRoots once; the
 * hierarchy per root or OU, spread over three rows of AWS's throttling table (hierarchy-walk.ts);
 * ListPolicies for the policy type, then DescribePolicy, ListTagsForResource and ListTargetsForPolicy per
 * policy (attachments per policy, never per target: a few policies, many targets). About
 * 2 x OUs + accounts / 20 (+ accounts / 20 for ListAccounts once ListChildren is used) + 3 x policies
 * calls; effective policies are then computed locally.
 *
 * Every list is paginated to the end (pages may be empty while NextToken is set), with MaxResults 20
 * [ORG-LIST-PAGES], paced by its row's bucket (see throttle.ts), and the SDK's adaptive retry behind it.
 */

import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  type EffectivePolicyType,
  ListPoliciesCommand,
  type ListPoliciesCommandOutput,
  ListRootsCommand,
  type ListRootsCommandOutput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  ListTargetsForPolicyCommand,
  type ListTargetsForPolicyCommandOutput,
  type OrganizationsClient,
  type PolicySummary,
  type PolicyTargetSummary,
  type PolicyType,
  type Root,
  type Tag,
} from '@aws-sdk/client-organizations';
import type { OrgSnapshot, SnapshotPolicy } from '../../domain/model.ts';
import type { PolicyTypeFacts } from '../../domain/policy-types/policy-type.ts';
import { VERSION_1_POLICY_TYPE } from '../../domain/policy-types/version-1.ts';
import { translateAwsError, withDeploymentSetting } from '../aws/errors.ts';
import {
  type HierarchyProgress,
  HierarchyWalk,
  MEMBER_LISTINGS,
  type MemberListing,
  PAGE_SIZE,
} from './hierarchy-walk.ts';
import { Throttle } from './throttle.ts';

export type { HierarchyProgress } from './hierarchy-walk.ts';

/** A read of the organization that may span several Lambda invocations (kept in the continuation state). */
export interface ReadProgress {
  organization: OrgSnapshot['organization'];
  hierarchy: HierarchyProgress;
}

export function startOfWalk(rootId: string): HierarchyProgress {
  return { organizationalUnits: [], accounts: [], pending: [rootId] };
}

interface ReaderOptions {
  throttle?: Throttle;
  now?: () => Date;
  /** How a parent's accounts may be listed, best first (default both: whichever is free first). */
  memberListings?: readonly [MemberListing, ...MemberListing[]];
  /** The policy type whose policies are read (default: the one snapshots of version 1 hold). */
  policyType?: PolicyTypeFacts;
}

export class OrganizationsReader {
  private readonly throttle: Throttle;
  private readonly memberListings: readonly [MemberListing, ...MemberListing[]];
  readonly policyType: PolicyTypeFacts;
  /** The type's name, as the SDK's PolicyType and EffectivePolicyType enums type it. */
  readonly organizationsType: PolicyType & EffectivePolicyType;

  constructor(
    private readonly client: OrganizationsClient,
    options: ReaderOptions = {},
  ) {
    this.throttle = options.throttle ?? new Throttle({ rates: 'published' });
    this.memberListings = options.memberListings ?? MEMBER_LISTINGS;
    this.policyType = options.policyType ?? VERSION_1_POLICY_TYPE.facts;
    this.organizationsType = this.policyType.organizationsType as PolicyType & EffectivePolicyType;
  }

  /** Sends one command through the throttle; AWS errors come back as the project's typed errors. */
  async call<T>(operation: string, send: (client: OrganizationsClient) => Promise<T>): Promise<T> {
    try {
      return await this.throttle.run(operation, () => send(this.client));
    } catch (error) {
      throw withDeploymentSetting(translateAwsError(error, operation), this.policyType);
    }
  }

  /** Follows NextToken to the end; an empty page with a token is not the end. */
  async paginate<Page extends { NextToken?: string | undefined }, Item>(
    operation: string,
    sendPage: (client: OrganizationsClient, token: string | undefined) => Promise<Page>,
    items: (page: Page) => Item[] | undefined,
  ): Promise<Item[]> {
    const all: Item[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(operation, (client) => sendPage(client, token));
      for (const item of items(page) ?? []) all.push(item);
      token = page.NextToken || undefined;
    } while (token);
    return all;
  }

  async read(now: Date = new Date()): Promise<OrgSnapshot> {
    const [organization, root, hierarchy, policies] = await Promise.all([
      this.describeOrganization(),
      this.readRoot(),
      this.readRootId().then((rootId) => this.readHierarchy(rootId)),
      this.readPolicies(),
    ]);
    return {
      snapshotVersion: 1,
      capturedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      organization,
      root,
      organizationalUnits: hierarchy.organizationalUnits,
      accounts: hierarchy.accounts,
      policies,
    };
  }

  private rootPromise: Promise<OrgSnapshot['root']> | undefined;

  /** The root, read once per reader. */
  readRoot(): Promise<OrgSnapshot['root']> {
    this.rootPromise ??= this.fetchRoot();
    return this.rootPromise;
  }

  /** ListRoots now: the root id and each policy type's status (never DescribeOrganization's deprecated list, [ORG-POLICY-TYPE-STATUS]). */
  async fetchRoot(): Promise<OrgSnapshot['root']> {
    const [root] = await this.paginate<ListRootsCommandOutput, Root>(
      'ListRoots',
      (client, NextToken) => client.send(new ListRootsCommand({ NextToken, MaxResults: PAGE_SIZE })),
      (page) => page.Roots,
    );
    if (!root?.Id) throw new Error('ListRoots returned no root');
    return {
      id: root.Id,
      name: root.Name ?? 'Root',
      policyTypes: (root.PolicyTypes ?? []).map((t) => ({ type: t.Type ?? '', status: t.Status ?? '' })),
    };
  }

  private async readRootId(): Promise<string> {
    return (await this.readRoot()).id;
  }

  async describeOrganization(): Promise<OrgSnapshot['organization']> {
    const response = await this.call('DescribeOrganization', (client) =>
      client.send(new DescribeOrganizationCommand({})),
    );
    const id = response.Organization?.Id;
    const managementAccountId = response.Organization?.MasterAccountId;
    if (!id || !managementAccountId) throw new Error('DescribeOrganization returned no organization id');
    return { id, managementAccountId };
  }

  /** Walks the tree from the root, every parent's OUs and accounts read concurrently. */
  async readHierarchy(rootId: string): Promise<Pick<OrgSnapshot, 'organizationalUnits' | 'accounts'>> {
    const { organizationalUnits, accounts } = await this.walkHierarchy(startOfWalk(rootId));
    return { organizationalUnits, accounts };
  }

  /**
   * Walks the hierarchy from `progress`. Once `stop` is aborted no further parent is started, a parent
   * whose pages were cut short stays pending (its partial pages are dropped), and the progress so far
   * is returned, so a later walk (another Lambda invocation) can finish it. Without `stop`, errors
   * propagate and the walk is complete when it returns.
   */
  walkHierarchy(progress: HierarchyProgress, stop?: AbortSignal): Promise<HierarchyProgress> {
    return new HierarchyWalk(
      this,
      { throttle: this.throttle, listings: this.memberListings, stop },
      progress,
    ).run();
  }

  /** Every policy of the type with its content, tags and targets. */
  async readPolicies(): Promise<SnapshotPolicy[]> {
    const Filter = this.organizationsType;
    const summaries = await this.paginate<ListPoliciesCommandOutput, PolicySummary>(
      'ListPolicies',
      (client, NextToken) =>
        client.send(new ListPoliciesCommand({ Filter, NextToken, MaxResults: PAGE_SIZE })),
      (page) => page.Policies,
    );
    return Promise.all(
      summaries
        .filter((summary): summary is { Id: string; Name?: string; Description?: string } =>
          Boolean(summary.Id),
        )
        .map((summary) => this.readPolicy(summary)),
    );
  }

  async readPolicy(summary: { Id: string; Name?: string; Description?: string }): Promise<SnapshotPolicy> {
    const [described, tags, targets] = await Promise.all([
      this.call('DescribePolicy', (client) =>
        client.send(new DescribePolicyCommand({ PolicyId: summary.Id })),
      ),
      this.paginate<ListTagsForResourceCommandOutput, Tag>(
        'ListTagsForResource',
        (client, NextToken) =>
          client.send(new ListTagsForResourceCommand({ ResourceId: summary.Id, NextToken })),
        (page) => page.Tags,
      ),
      this.paginate<ListTargetsForPolicyCommandOutput, PolicyTargetSummary>(
        'ListTargetsForPolicy',
        (client, NextToken) =>
          client.send(
            new ListTargetsForPolicyCommand({ PolicyId: summary.Id, NextToken, MaxResults: PAGE_SIZE }),
          ),
        (page) => page.Targets,
      ),
    ]);
    return {
      id: summary.Id,
      name: described.Policy?.PolicySummary?.Name ?? summary.Name ?? '',
      description: described.Policy?.PolicySummary?.Description ?? summary.Description ?? '',
      content: described.Policy?.Content ?? '',
      tags: Object.fromEntries(tags.filter((t) => t.Key).map((t) => [t.Key as string, t.Value ?? ''])),
      targets: targets.map((t) => t.TargetId).filter((id): id is string => Boolean(id)),
    };
  }
}
