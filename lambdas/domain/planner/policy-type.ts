/** The first step: is AISERVICES_OPT_OUT_POLICY enabled on the root, so that any policy applies? */
import { AI_POLICY_TYPE } from '../contract.ts';
import { aiPolicyTypeStatus, type OrgSnapshot } from '../model.ts';
import { changeTarget, type PlanDraft } from './draft.ts';

/** Adds enable-policy-type when the type is off (or being turned off); returns whether it is enabled. */
export function checkPolicyType(draft: PlanDraft, root: OrgSnapshot['root']): boolean {
  const status = aiPolicyTypeStatus(root);
  const rootNode = draft.tree.root;
  if (status === 'DISABLED' || status === 'PENDING_DISABLE') {
    draft.changes.push({
      action: 'enable-policy-type',
      target: changeTarget(rootNode),
      detail: `${AI_POLICY_TYPE} is ${status === 'DISABLED' ? 'not enabled' : 'being disabled'} on ${rootNode.id}; no AI opt-out policy applies until it is enabled`,
    });
  } else if (status === 'PENDING_ENABLE') {
    draft.warnings.push({
      code: 'policy-type-pending',
      message: `${AI_POLICY_TYPE} is still being enabled on ${rootNode.id} (PENDING_ENABLE)`,
    });
  }
  return status === 'ENABLED';
}
