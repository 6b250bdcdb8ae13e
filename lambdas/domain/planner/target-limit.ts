/**
 * AWS's limit of policies of the type attached to one root, OU or account (for AI opt-out
 * [ORG-QUOTA-AI-POLICIES-PER-TARGET]), counted after the plan:
 * declared policies plus the unmanaged ones that stay attached. The loader checks the declared ones
 * alone; only here are the organization's own policies known.
 */
import type { OrgNode } from '../organization.ts';
import type { PlanDraft } from './draft.ts';

export function checkTargetLimit(draft: PlanDraft, file: string): void {
  const { maxPoliciesPerTarget, nounPlural } = draft.type.facts;
  for (const [nodeId, policies] of draft.after) {
    if (policies.length <= maxPoliciesPerTarget) continue;
    const node = draft.tree.get(nodeId) as OrgNode;
    draft.problems.push({
      severity: 'error',
      code: 'too-many-policies-on-target',
      location: draft.firstTargetLocation.get(nodeId) ?? { file, line: 1, col: 1 },
      message: `${draft.tree.label(node)} would carry ${policies.length} ${nounPlural} (${policies.map((p) => p.name).join(', ')}); AWS allows at most ${maxPoliciesPerTarget}`,
      hint: 'merge declared policies, or detach unmanaged ones (`unmanaged: detach`)',
    });
  }
}
