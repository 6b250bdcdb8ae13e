/** The AI opt-out policies the organization has now, parsed once for every step that reads them. */
import { pushTo } from '../collections.ts';
import { type AttachedPolicy, attachmentsOf } from '../effective-policy.ts';
import { isManagedPolicy, type OrgSnapshot, type SnapshotPolicy } from '../model.ts';
import { type ParsedPolicyDocument, parsePolicyDocument } from '../policy-document.ts';

export interface ExistingPolicy {
  snapshot: SnapshotPolicy;
  document: ParsedPolicyDocument;
  /** Tagged as owned by this tool. */
  managed: boolean;
}

export interface ExistingPolicies {
  /** In the snapshot's order. */
  all: ExistingPolicy[];
  byName: Map<string, ExistingPolicy[]>;
}

export function existingPolicies(snapshot: OrgSnapshot): ExistingPolicies {
  const all = snapshot.policies.map((p) => ({
    snapshot: p,
    document: parsePolicyDocument(p.content),
    managed: isManagedPolicy(p),
  }));
  const byName = new Map<string, ExistingPolicy[]>();
  for (const policy of all) pushTo(byName, policy.snapshot.name, policy);
  return { all, byName };
}

/** Where the policies are attached today; none applies while the policy type is not enabled. */
export function currentAttachments(
  existing: ExistingPolicies,
  typeEnabled: boolean,
): Map<string, AttachedPolicy[]> {
  return attachmentsOf(typeEnabled ? existing.all.map((p) => ({ ...p.snapshot, document: p.document })) : []);
}
