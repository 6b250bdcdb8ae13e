/** The first step: is the policy type enabled on the root, so that any policy of it applies? */
import type { OrgSnapshot } from '../model.ts';
import { policyTypeStatus } from '../policy-types/policy-type.ts';
import { changeTarget, type PlanDraft } from './draft.ts';

/** Adds enable-policy-type when the type is off (or being turned off); returns whether it is enabled. */
export function checkPolicyType(draft: PlanDraft, root: OrgSnapshot['root']): boolean {
  const { facts } = draft.type;
  const status = policyTypeStatus(root, facts);
  const rootNode = draft.tree.root;
  if (status === 'DISABLED' || status === 'PENDING_DISABLE') {
    draft.changes.push({
      action: 'enable-policy-type',
      target: changeTarget(rootNode),
      detail: `${facts.organizationsType} is ${status === 'DISABLED' ? 'not enabled' : 'being disabled'} on ${rootNode.id}; no ${facts.noun} applies until it is enabled`,
    });
  } else if (status === 'PENDING_ENABLE') {
    draft.warnings.push({
      code: 'policy-type-pending',
      message: `${facts.organizationsType} is still being enabled on ${rootNode.id} (PENDING_ENABLE)`,
    });
  }
  return status === 'ENABLED';
}
