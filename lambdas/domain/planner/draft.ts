/**
 * What the planning steps build up, in order: the changes, the problems the desired state must fix,
 * the warnings, and where each policy is attached once the plan is applied.
 */
import type { LocatedTarget } from '../desired-state/types.ts';
import type { Diagnostic, SourceLocation } from '../diagnostics.ts';
import { ConfigurationError } from '../errors.ts';
import type { OrgNode, OrgTree } from '../organization.ts';
import { plural } from '../plural.ts';
import type { AttachedPolicy, PolicyType, PolicyTypeShapes } from '../policy-types/policy-type.ts';
import type { Change, ChangeAction, ChangeTarget, PlanWarning } from './schema.ts';

/** Id prefix of a declared policy that does not exist yet (it has no id before apply creates it). */
export const NEW_POLICY_ID = '(new)';

export interface PlanDraft<T extends PolicyTypeShapes = PolicyTypeShapes> {
  /** The type of the policies planned. */
  readonly type: PolicyType<T>;
  readonly tree: OrgTree;
  readonly changes: Change[];
  /** Problems the desired state must fix; planning stops once the policies are placed if there are any. */
  readonly problems: Diagnostic[];
  readonly warnings: PlanWarning[];
  /** Policies per node once the plan is applied: the declared ones, and unmanaged ones that stay. */
  readonly after: Map<string, AttachedPolicy<T['document']>[]>;
  /** The declared policies alone, per node, and by attached id: what the file itself promises. */
  readonly declared: Map<string, AttachedPolicy<T['document']>[]>;
  readonly declaredById: Map<string, T['policy']>;
  /** Where the file first targets each node, to place an error about that node. */
  readonly firstTargetLocation: Map<string, SourceLocation>;
}

export function newDraft<T extends PolicyTypeShapes>(type: PolicyType<T>, tree: OrgTree): PlanDraft<T> {
  return {
    type,
    tree,
    changes: [],
    problems: [],
    warnings: [],
    after: new Map(),
    declared: new Map(),
    declaredById: new Map(),
    firstTargetLocation: new Map(),
  };
}

export function changeTarget(node: OrgNode): ChangeTarget {
  return {
    type: node.type,
    id: node.id,
    name: node.name,
    path: node.type === 'ACCOUNT' ? `${node.path}/${node.name}` : node.path,
  };
}

/** A change of an existing policy on one node (detach-policy, unmanaged-policy). */
export function targetChange(
  action: ChangeAction,
  policy: { id: string; name: string },
  node: OrgNode,
  detail: string,
): Change {
  return { action, policy: policy.name, policyId: policy.id, target: changeTarget(node), detail };
}

/** Resolves each target to a node, in order; an unresolved one is `undefined` and adds a problem. */
export function resolveTargets(draft: PlanDraft, targets: readonly LocatedTarget[]): (OrgNode | undefined)[] {
  return targets.map((target) => {
    const resolution = draft.tree.resolve(target.ref);
    if (resolution.ok) return resolution.node;
    const { message, hint } = resolution;
    draft.problems.push({
      severity: 'error',
      code: 'unknown-target',
      location: target.location,
      message,
      ...(hint ? { hint } : {}),
    });
    return undefined;
  });
}

/** Throws the problems found so far, all at once, as one ConfigurationError. */
export function throwIfProblems(draft: PlanDraft, file: string, organizationId: string): void {
  if (draft.problems.length === 0) return;
  throw new ConfigurationError(
    `${file}: the desired state does not fit organization ${organizationId} (${plural(draft.problems.length, 'problem')})`,
    draft.problems,
  );
}
