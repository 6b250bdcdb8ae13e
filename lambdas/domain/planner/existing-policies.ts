/** The policies of the type the organization has now, parsed once for every step that reads them. */
import { pushTo } from '../collections.ts';
import { isManagedPolicy, type OrgSnapshot, type SnapshotPolicy } from '../model.ts';
import { attachmentsOf } from '../policy-types/effective-policies.ts';
import type {
  AttachedPolicy,
  PolicyDocument,
  PolicyType,
  PolicyTypeFacts,
  PolicyTypeShapes,
} from '../policy-types/policy-type.ts';
import { VERSION_1_POLICY_TYPE } from '../policy-types/version-1.ts';

export interface ExistingPolicy<D extends PolicyDocument = PolicyDocument> {
  snapshot: SnapshotPolicy;
  document: D;
  /** Tagged as owned by this tool. */
  managed: boolean;
}

export interface ExistingPolicies<D extends PolicyDocument = PolicyDocument> {
  /** In the snapshot's order. */
  all: ExistingPolicy<D>[];
  byName: Map<string, ExistingPolicy<D>[]>;
}

/** The snapshot's policies of one type (a policy without a type is of the version-1 files' type). */
export function policiesOfType(snapshot: OrgSnapshot, facts: PolicyTypeFacts): SnapshotPolicy[] {
  const untyped = VERSION_1_POLICY_TYPE.facts.organizationsType;
  return snapshot.policies.filter((p) => (p.type ?? untyped) === facts.organizationsType);
}

/** Whether the snapshot holds every policy of the type (one without `capturedPolicyTypes` holds the untyped ones). */
export function capturesType(snapshot: OrgSnapshot, facts: PolicyTypeFacts): boolean {
  const captured = snapshot.capturedPolicyTypes ?? [VERSION_1_POLICY_TYPE.facts.organizationsType];
  return captured.includes(facts.organizationsType);
}

export function existingPolicies<T extends PolicyTypeShapes>(
  type: PolicyType<T>,
  snapshot: OrgSnapshot,
): ExistingPolicies<T['document']> {
  const all = policiesOfType(snapshot, type.facts).map((p) => ({
    snapshot: p,
    document: type.documents.parse(p.content),
    managed: isManagedPolicy(p),
  }));
  const byName = new Map<string, ExistingPolicy<T['document']>[]>();
  for (const policy of all) pushTo(byName, policy.snapshot.name, policy);
  return { all, byName };
}

/** Where the policies are attached today; none applies while the policy type is not enabled. */
export function currentAttachments<D extends PolicyDocument>(
  existing: ExistingPolicies<D>,
  typeEnabled: boolean,
): Map<string, AttachedPolicy<D>[]> {
  return attachmentsOf(typeEnabled ? existing.all.map((p) => ({ ...p.snapshot, document: p.document })) : []);
}
