/**
 * Builds organization snapshots for tests by path: `new OrgBuilder().ou('Workloads/Prod').account('app', 'Workloads/Prod')`.
 * Ids are deterministic so tests can name them.
 */

import { MANAGED_TAG_KEY, type OrgSnapshot, type SnapshotPolicy } from '../../lambdas/domain/model.ts';
import { AI_POLICY_TYPE } from '../../lambdas/domain/policy-types/ai-optout/facts.ts';

export class OrgBuilder {
  readonly rootId = 'r-test';
  private readonly ous = new Map<string, { id: string; name: string; parentId: string }>();
  private readonly accounts: OrgSnapshot['accounts'] = [];
  private readonly policies: SnapshotPolicy[] = [];
  private typeStatus: string | undefined = 'ENABLED';
  /** Other policy types: their status on the root, and that the snapshot holds their policies. */
  private readonly otherTypes = new Map<string, string>();
  private nextAccount = 100000000000;
  private nextPolicy = 0;

  withPolicyType(status: 'ENABLED' | 'PENDING_ENABLE' | 'PENDING_DISABLE' | undefined): this {
    this.typeStatus = status;
    return this;
  }

  /** Another policy type, with its status on the root (DISABLED: not listed); the snapshot captures it. */
  withOtherType(type: string, status = 'ENABLED'): this {
    this.otherTypes.set(type, status);
    return this;
  }

  /** Adds an OU (and its missing ancestors) by path below the root. */
  ou(path: string): this {
    this.ouId(path);
    return this;
  }

  ouId(path: string): string {
    const existing = this.ous.get(path);
    if (existing) return existing.id;
    const parts = path.split('/');
    const name = parts[parts.length - 1] as string;
    const parentId = parts.length === 1 ? this.rootId : this.ouId(parts.slice(0, -1).join('/'));
    const id = `ou-test-${String(this.ous.size).padStart(8, '0')}`;
    this.ous.set(path, { id, name, parentId });
    return id;
  }

  /** Adds an account under an OU path (or the root when `parent` is omitted); returns its id. */
  accountId(name: string, parent?: string, id?: string): string {
    const accountId = id ?? String(this.nextAccount++);
    this.accounts.push({
      id: accountId,
      name,
      email: `${name}@example.com`,
      status: 'ACTIVE',
      parentId: parent ? this.ouId(parent) : this.rootId,
    });
    return accountId;
  }

  account(name: string, parent?: string, id?: string): this {
    this.accountId(name, parent, id);
    return this;
  }

  /** Resolves `root`, an OU path or an account name to an id. */
  idOf(target: string): string {
    if (target === 'root') return this.rootId;
    const ou = this.ous.get(target);
    if (ou) return ou.id;
    const account = this.accounts.find((a) => a.name === target || a.id === target);
    if (account) return account.id;
    throw new Error(`test builder: unknown target ${target}`);
  }

  policy(
    name: string,
    content: string | object,
    targets: string[],
    options: { managed?: boolean; description?: string; id?: string; type?: string } = {},
  ): this {
    this.policyId(name, content, targets, options);
    return this;
  }

  policyId(
    name: string,
    content: string | object,
    targets: string[],
    options: { managed?: boolean; description?: string; id?: string; type?: string } = {},
  ): string {
    const id = options.id ?? `p-test${String(this.nextPolicy++).padStart(6, '0')}`;
    this.policies.push({
      id,
      name,
      description: options.description ?? '',
      content: typeof content === 'string' ? content : JSON.stringify(content),
      tags: options.managed ? { [MANAGED_TAG_KEY]: 'true' } : {},
      targets: targets.map((t) => this.idOf(t)),
      ...(options.type ? { type: options.type } : {}),
    });
    return id;
  }

  build(): OrgSnapshot {
    return {
      snapshotVersion: 1,
      capturedAt: '2026-11-26T12:00:00Z',
      organization: { id: 'o-testorg001', managementAccountId: this.accounts[0]?.id ?? '100000000000' },
      root: {
        id: this.rootId,
        name: 'Root',
        policyTypes: [
          ...(this.typeStatus ? [{ type: AI_POLICY_TYPE, status: this.typeStatus }] : []),
          ...[...this.otherTypes]
            .filter(([, status]) => status !== 'DISABLED')
            .map(([type, status]) => ({ type, status })),
        ],
      },
      organizationalUnits: [...this.ous.values()],
      accounts: [...this.accounts],
      policies: this.policies.map((p) => ({ ...p, targets: [...p.targets] })),
      ...(this.otherTypes.size > 0
        ? { capturedPolicyTypes: [AI_POLICY_TYPE, ...this.otherTypes.keys()] }
        : {}),
    };
  }
}

/** Policy content helpers in AWS's syntax. */
export function entry(
  setting: 'optOut' | 'optIn',
  options: { lockEntry?: boolean; lockSetting?: boolean } = {},
) {
  const none = { '@@operators_allowed_for_child_policies': ['@@none'] };
  return {
    ...(options.lockEntry ? none : {}),
    opt_out_policy: { ...(options.lockSetting ? none : {}), '@@assign': setting },
  };
}
