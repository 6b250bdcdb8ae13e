/**
 * Changes for the existing policies the file does not declare: a managed one is retired (detached
 * everywhere, then deleted); an unmanaged one is handled as `unmanaged:` says (docs/configuration.md,
 * "Ownership").
 */
import { pushTo } from '../collections.ts';
import type { UnmanagedHandling } from '../contract.ts';
import type { DeclaredPolicy } from '../desired-state/types.ts';
import type { OrgNode } from '../organization.ts';
import type { PolicyTypeShapes } from '../policy-types/policy-type.ts';
import { type PlanDraft, targetChange } from './draft.ts';
import type { ExistingPolicies, ExistingPolicy } from './existing-policies.ts';

export function planUndeclaredPolicies<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  declared: readonly DeclaredPolicy[],
  unmanaged: UnmanagedHandling,
  existing: ExistingPolicies<T['document']>,
  claimed: ReadonlySet<ExistingPolicy>,
  typeEnabled: boolean,
): void {
  const declaredNames = new Set(declared.map((p) => p.name));
  for (const policy of existing.all) {
    if (claimed.has(policy)) continue;
    // Attachments apply only while the policy type is enabled; until then there is nothing to detach.
    const targets = (typeEnabled ? policy.snapshot.targets : []).flatMap((id) => draft.tree.get(id) ?? []);
    if (!policy.managed) planUnmanaged(draft, policy, targets, unmanaged);
    // A managed policy with a declared name that was not claimed is a duplicate, reported already.
    else if (!declaredNames.has(policy.snapshot.name)) retire(draft, policy, targets);
  }
}

function retire(draft: PlanDraft, policy: ExistingPolicy, targets: readonly OrgNode[]): void {
  const { id, name } = policy.snapshot;
  for (const node of targets) {
    const detail = `detach ${name}, which is no longer declared, from ${draft.tree.label(node)}`;
    draft.changes.push(targetChange('detach-policy', policy.snapshot, node, detail));
  }
  draft.changes.push({
    action: 'delete-policy',
    policy: name,
    policyId: id,
    detail: `delete ${name}: tagged as managed but no longer declared`,
  });
}

function planUnmanaged<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  policy: ExistingPolicy<T['document']>,
  targets: readonly OrgNode[],
  handling: UnmanagedHandling,
): void {
  const { id, name } = policy.snapshot;
  for (const finding of policy.document.findings) {
    draft.warnings.push({
      code: 'malformed-policy',
      policyId: id,
      message: `unmanaged policy ${name} (${id}) ${finding.path}: ${finding.message}`,
    });
  }
  for (const node of targets) {
    const where = draft.tree.label(node);
    if (handling === 'detach') {
      const detail = `detach unmanaged policy ${name} from ${where} (unmanaged: detach)`;
      draft.changes.push(targetChange('detach-policy', policy.snapshot, node, detail));
      continue;
    }
    pushTo(draft.after, node.id, { id, name, document: policy.document });
    if (handling !== 'report') continue;
    const detail = `unmanaged policy ${name} is attached to ${where}; apply leaves it (unmanaged: report)`;
    draft.changes.push(targetChange('unmanaged-policy', policy.snapshot, node, detail));
  }
}
