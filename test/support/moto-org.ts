/**
 * Builds organizations inside moto through the SDK, by path, for the live tests.
 */

import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface MotoOrg {
  rootId: string;
  managementAccountId: string;
  /** OU ids by path (`Workloads/Prod`). */
  ous: Record<string, string>;
  /** Account ids by name. */
  accounts: Record<string, string>;
  /** Root, OU path or account name to id. */
  idOf(target: string): string;
}

export async function createOrganization(client: OrganizationsClient): Promise<MotoOrg> {
  const created = await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const roots = await client.send(new ListRootsCommand({}));
  const rootId = roots.Roots?.[0]?.Id as string;
  const org: MotoOrg = {
    rootId,
    managementAccountId: created.Organization?.MasterAccountId as string,
    ous: {},
    accounts: {},
    idOf(target) {
      if (target === 'root') return rootId;
      const id = this.ous[target] ?? this.accounts[target];
      if (!id) throw new Error(`moto-org: unknown target ${target}`);
      return id;
    },
  };
  org.accounts.management = org.managementAccountId;
  return org;
}

export async function addOu(client: OrganizationsClient, org: MotoOrg, path: string): Promise<string> {
  const existing = org.ous[path];
  if (existing) return existing;
  const parts = path.split('/');
  const parentId = parts.length === 1 ? org.rootId : await addOu(client, org, parts.slice(0, -1).join('/'));
  const created = await client.send(
    new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: parts.at(-1) as string }),
  );
  const id = created.OrganizationalUnit?.Id as string;
  org.ous[path] = id;
  return id;
}

export async function addAccount(
  client: OrganizationsClient,
  org: MotoOrg,
  name: string,
  ouPath?: string,
): Promise<string> {
  const created = await client.send(
    new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
  );
  const id = created.CreateAccountStatus?.AccountId as string;
  if (ouPath) {
    const ouId = await addOu(client, org, ouPath);
    await client.send(
      new MoveAccountCommand({ AccountId: id, SourceParentId: org.rootId, DestinationParentId: ouId }),
    );
  }
  org.accounts[name] = id;
  return id;
}

export async function enableAiPolicyType(client: OrganizationsClient, org: MotoOrg): Promise<void> {
  await client.send(new EnablePolicyTypeCommand({ RootId: org.rootId, PolicyType: AI_POLICY_TYPE }));
}

/** Creates an AI opt-out policy by hand (as an operator or another tool would) and attaches it. */
export async function addPolicy(
  client: OrganizationsClient,
  org: MotoOrg,
  name: string,
  content: string | object,
  targets: string[],
  options: { tags?: Record<string, string>; description?: string } = {},
): Promise<string> {
  const created = await client.send(
    new CreatePolicyCommand({
      Name: name,
      Description: options.description ?? 'made by hand',
      Type: AI_POLICY_TYPE,
      Content: typeof content === 'string' ? content : JSON.stringify(content),
      Tags: Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  const id = created.Policy?.PolicySummary?.Id as string;
  for (const target of targets)
    await client.send(new AttachPolicyCommand({ PolicyId: id, TargetId: org.idOf(target) }));
  return id;
}

/** A small LZA-shaped organization: Security, Workloads/Prod, Workloads/Dev, Sandbox. */
export async function createLzaOrg(
  client: OrganizationsClient,
  options: { enable?: boolean } = {},
): Promise<MotoOrg> {
  const org = await createOrganization(client);
  await addAccount(client, org, 'log-archive', 'Security');
  await addAccount(client, org, 'audit', 'Security');
  await addAccount(client, org, 'prod-app', 'Workloads/Prod');
  await addAccount(client, org, 'dev-app', 'Workloads/Dev');
  await addAccount(client, org, 'sandbox-1', 'Sandbox');
  await addAccount(client, org, 'sandbox-2', 'Sandbox');
  if (options.enable) await enableAiPolicyType(client, org);
  return org;
}

/**
 * The same organization in moto's partition of `region`: moto keeps one organization per partition (a
 * client in cn-north-1 does not see the one created from us-east-1).
 */
export async function createLzaOrgInPartitionOf(region: string, endpoint: string): Promise<MotoOrg> {
  const client = new OrganizationsClient({ region, endpoint, credentials: TEST_CREDENTIALS });
  try {
    return await createLzaOrg(client);
  } finally {
    client.destroy();
  }
}
