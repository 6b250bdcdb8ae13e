/**
 * Shared types of the domain layer: the organization snapshot, settings and target references. Pure
 * data, no behaviour.
 */
import { AI_POLICY_TYPE } from './contract.ts';

/** Tag that marks a policy as owned by this tool (contract section 2). */
export const MANAGED_TAG_KEY = 'ai-optout:managed';
export const MANAGED_TAG_VALUE = 'true';
/** AWS hard limit of AI opt-out policies directly attached to one root, OU or account. */
export const MAX_POLICIES_PER_TARGET = 5;
/** AWS limit on the size of an AI opt-out policy document, in characters. */
export const MAX_POLICY_DOCUMENT_CHARS = 2500;

export type Setting = 'optOut' | 'optIn';
export type ResolvedSetting = Setting | 'unset';
export const SETTINGS: readonly Setting[] = ['optOut', 'optIn'];

export type TargetType = 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';

export type PolicyTypeStatus = 'ENABLED' | 'PENDING_ENABLE' | 'PENDING_DISABLE';

export interface SnapshotPolicyType {
  type: string;
  status: PolicyTypeStatus | string;
}

export interface SnapshotRoot {
  id: string;
  name: string;
  policyTypes: SnapshotPolicyType[];
}

export interface SnapshotOrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface SnapshotAccount {
  id: string;
  name: string;
  email?: string | undefined;
  status?: string | undefined;
  parentId: string;
}

export interface SnapshotPolicy {
  id: string;
  name: string;
  description: string;
  content: string;
  tags: Record<string, string>;
  targets: string[];
}

/** An organization as the tool sees it: hierarchy plus every AI opt-out policy with its targets. */
export interface OrgSnapshot {
  snapshotVersion: 1;
  capturedAt: string;
  organization: { id: string; managementAccountId: string };
  root: SnapshotRoot;
  organizationalUnits: SnapshotOrganizationalUnit[];
  accounts: SnapshotAccount[];
  policies: SnapshotPolicy[];
}

/** A target as written in the desired state: `root`, `ou: path-or-id`, `account: id-or-name`. */
export type TargetRef = { kind: 'root' } | { kind: 'ou'; ref: string } | { kind: 'account'; ref: string };

export function isManagedPolicy(policy: Pick<SnapshotPolicy, 'tags'>): boolean {
  return policy.tags[MANAGED_TAG_KEY] === MANAGED_TAG_VALUE;
}

export function aiPolicyTypeStatus(root: SnapshotRoot): PolicyTypeStatus | 'DISABLED' {
  const entry = root.policyTypes.find((t) => t.type === AI_POLICY_TYPE);
  if (!entry) return 'DISABLED';
  return entry.status as PolicyTypeStatus;
}
