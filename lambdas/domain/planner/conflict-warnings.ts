/**
 * Warnings for policies on one node that assign different values to a service: AWS applies them in
 * attachment order, which no API reports, so the type's engine assumes a value (for AI opt-out, optIn).
 */
import type { OrgTree } from '../organization.ts';
import type { ValueConflict } from '../policy-types/policy-type.ts';
import { NEW_POLICY_ID, type PlanDraft } from './draft.ts';
import type { PlanWarning, SettledConflict } from './schema.ts';

/**
 * Adds one warning per conflict, today's and after the plan, each said once; a conflict AWS's effective
 * policy settled (planner/fidelity.ts) says what AWS chose instead of the guess.
 */
export function addConflictWarnings(
  draft: PlanDraft,
  states: readonly { conflicts: readonly ValueConflict[] }[],
  settled: readonly SettledConflict[],
): void {
  const seen = new Set<string>();
  for (const conflict of states.flatMap((s) => s.conflicts)) {
    const values = conflict.candidates.map((c) => `${c.policyName}=${c.value}`).join(',');
    const key = `${conflict.nodeId}|${conflict.service}|${values}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const byAws = settled.find((s) => s.nodeId === conflict.nodeId && s.service === conflict.service);
    draft.warnings.push(conflictWarning(draft.tree, conflict, byAws));
  }
}

function conflictWarning(
  tree: OrgTree,
  conflict: ValueConflict,
  byAws: SettledConflict | undefined,
): PlanWarning {
  const node = tree.get(conflict.nodeId);
  const where = node ? tree.label(node) : conflict.nodeId;
  const parts = conflict.candidates
    .map((c) => {
      const id = c.policyId.startsWith(NEW_POLICY_ID) ? 'to be created' : c.policyId;
      return `${c.policyName} (${id}) sets ${c.value}`;
    })
    .join(', ');
  return {
    code: 'same-node-conflict',
    nodeId: conflict.nodeId,
    message: `${where}: policies attached to the same node disagree on ${conflict.service}: ${parts}. AWS applies them in attachment order, which no API reports; ${
      byAws
        ? `AWS's effective policy for account ${byAws.accountId} settles it as ${byAws.value}, and this plan follows AWS.`
        : `this plan assumes ${conflict.assumed}.`
    }`,
  };
}
