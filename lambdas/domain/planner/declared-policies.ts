/**
 * Changes for each declared policy: find the existing policy of that name, bring its content in line
 * (create, adopt or update), attach it where the file targets it and detach it everywhere else.
 */
import { pushTo } from '../collections.ts';
import type { DeclaredPolicy } from '../desired-state/types.ts';
import type { OrgNode } from '../organization.ts';
import { sameDocument } from '../policy-types/json-document.ts';
import type { AttachedPolicy, PolicyTypeShapes } from '../policy-types/policy-type.ts';
import { changeTarget, NEW_POLICY_ID, type PlanDraft, resolveTargets, targetChange } from './draft.ts';
import type { ExistingPolicies, ExistingPolicy } from './existing-policies.ts';
import type { Change } from './schema.ts';

/** Plans every declared policy; returns the existing policies the file takes over. */
export function planDeclaredPolicies<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  policies: readonly T['policy'][],
  existing: ExistingPolicies<T['document']>,
  typeEnabled: boolean,
): Set<ExistingPolicy> {
  const claimed = new Set<ExistingPolicy>();
  for (const declared of policies) {
    const nodes = resolveTargets(draft, declared.targets);
    const match = claimableMatch(draft, declared, existing.byName.get(declared.name) ?? []);
    if (match === REFUSED) continue;
    if (match) claimed.add(match);
    const change = contentChange(declared, match, draft.type.documents.describe(declared));
    if (change) draft.changes.push(change);
    planTargets(draft, declared, nodes, match, typeEnabled);
  }
  return claimed;
}

const REFUSED = Symbol('refused');

/**
 * The existing policy a declared one takes over (one of that name, managed or to be adopted),
 * `undefined` when there is none, or REFUSED (with a problem added) when the name cannot be used.
 */
function claimableMatch(
  draft: PlanDraft,
  declared: DeclaredPolicy,
  matches: readonly ExistingPolicy[],
): ExistingPolicy | undefined | typeof REFUSED {
  const { noun, nounPlural } = draft.type.facts;
  const match = matches[0];
  if (matches.length > 1) {
    draft.problems.push({
      severity: 'error',
      code: 'ambiguous-policy-name',
      location: declared.location,
      message: `${matches.length} ${nounPlural} in the organization are named ${declared.name} (${matches.map((m) => m.snapshot.id).join(', ')})`,
      hint: 'rename or delete the extra ones so the name identifies one policy',
    });
    return REFUSED;
  }
  if (!match || match.managed || declared.adopt) return match;
  draft.problems.push({
    severity: 'error',
    code: 'name-conflict',
    location: declared.location,
    message: `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun} named ${declared.name} already exists (${match.snapshot.id}) and is not tagged ai-optout:managed=true`,
    hint: 'set `adopt: true` on this policy to take it over, or choose another name',
  });
  return REFUSED;
}

/** create-policy, adopt-policy or update-policy; none when the managed policy already matches. */
function contentChange(
  declared: DeclaredPolicy,
  match: ExistingPolicy | undefined,
  settings: string,
): Change | undefined {
  const { name, content, description } = declared;
  if (!match) {
    return {
      action: 'create-policy',
      policy: name,
      detail: `create ${name} (${settings})`,
      content,
      description,
    };
  }
  const policyId = match.snapshot.id;
  const contentDiffers = !sameDocument(match.snapshot.content, content);
  const descriptionDiffers = match.snapshot.description !== description;
  if (!match.managed) {
    const detail = `tag ${name} as managed${contentDiffers ? ' and replace its content' : ''}${descriptionDiffers ? ' and description' : ''}`;
    return { action: 'adopt-policy', policy: name, policyId, detail, content, description };
  }
  if (!contentDiffers && !descriptionDiffers) return undefined;
  const what = [contentDiffers ? 'content' : '', descriptionDiffers ? 'description' : '']
    .filter(Boolean)
    .join(' and ');
  const detail = `${what} of ${name} differ${what.includes(' and ') ? '' : 's'} from the desired state`;
  return { action: 'update-policy', policy: name, policyId, detail, content, description };
}

/** Attaches the policy to each declared node it is not on yet, and detaches it from the others. */
function planTargets<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  declared: T['policy'],
  nodes: readonly (OrgNode | undefined)[],
  match: ExistingPolicy | undefined,
  typeEnabled: boolean,
): void {
  const policyId = match?.snapshot.id;
  const attached: AttachedPolicy<T['document']> = {
    id: policyId ?? `${NEW_POLICY_ID} ${declared.name}`,
    name: declared.name,
    document: draft.type.documents.parse(declared.content),
  };
  draft.declaredById.set(attached.id, declared);
  const current = new Set(match && typeEnabled ? match.snapshot.targets : []);
  const wanted = new Set<string>();
  declared.targets.forEach((target, i) => {
    const node = nodes[i];
    if (!node || wanted.has(node.id)) return;
    wanted.add(node.id);
    pushTo(draft.after, node.id, attached);
    pushTo(draft.declared, node.id, attached);
    if (!draft.firstTargetLocation.has(node.id)) draft.firstTargetLocation.set(node.id, target.location);
    if (current.has(node.id)) return;
    const detail = `attach ${declared.name} to ${draft.tree.label(node)}`;
    draft.changes.push({
      action: 'attach-policy',
      policy: declared.name,
      ...(policyId ? { policyId } : {}),
      target: changeTarget(node),
      detail,
    });
  });
  if (policyId) detachUndeclared(draft, declared.name, policyId, current, wanted);
}

function detachUndeclared(
  draft: PlanDraft,
  name: string,
  policyId: string,
  current: ReadonlySet<string>,
  wanted: ReadonlySet<string>,
): void {
  for (const targetId of current) {
    const node = wanted.has(targetId) ? undefined : draft.tree.get(targetId);
    if (!node) continue;
    const detail = `detach ${name} from ${draft.tree.label(node)}, which the desired state does not target`;
    draft.changes.push(targetChange('detach-policy', { id: policyId, name }, node, detail));
  }
}
