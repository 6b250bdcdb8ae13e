/**
 * Effective policies of every node of an organization, for any policy type: one pass from the root down,
 * each node's state its type's engine merging the node's policies into the parent's state. Nodes with no
 * policy of their own share their parent's state object, so an organization's cost is proportional to
 * the nodes that carry attachments, and callers may cache by state identity.
 */
import { pushTo } from '../collections.ts';
import type { OrgTree } from '../organization.ts';
import type { AttachedPolicy, PolicyDocument, ValueConflict } from './policy-type.ts';

/** The part of a policy type's engine the walk needs (PolicyType['engine']). */
export interface Engine<S, D extends PolicyDocument> {
  readonly empty: S;
  merge(
    parent: S,
    nodeId: string,
    policies: readonly AttachedPolicy<D>[],
  ): { state: S; conflicts: ValueConflict[] };
}

/** The effective state of every node, for one policy type (S its state, D its parsed document). */
export class EffectivePolicies<S extends object, D extends PolicyDocument = PolicyDocument> {
  private readonly states = new Map<string, S>();
  readonly conflicts: ValueConflict[] = [];

  constructor(
    engine: Engine<S, D>,
    readonly tree: OrgTree,
    attachments: ReadonlyMap<string, readonly AttachedPolicy<D>[]>,
  ) {
    for (const node of tree.topDown()) {
      const parentState = node.parentId === undefined ? engine.empty : this.stateOf(node.parentId);
      const merged = engine.merge(parentState, node.id, attachments.get(node.id) ?? []);
      this.states.set(node.id, merged.state);
      for (const conflict of merged.conflicts) this.conflicts.push(conflict);
    }
  }

  stateOf(nodeId: string): S {
    const state = this.states.get(nodeId);
    if (!state) throw new Error(`no effective state for ${nodeId}`);
    return state;
  }

  /** Puts AWS's answer in place of the computed state of an account (planner/fidelity.ts). */
  replace(accountId: string, state: S): void {
    this.stateOf(accountId);
    this.states.set(accountId, state);
  }
}

/** Policies by the root, OU or account they are attached to. */
export function attachmentsOf<D extends PolicyDocument>(
  policies: Iterable<{ id: string; name: string; targets: readonly string[]; document: D }>,
): Map<string, AttachedPolicy<D>[]> {
  const byTarget = new Map<string, AttachedPolicy<D>[]>();
  for (const policy of policies) {
    const attached: AttachedPolicy<D> = { id: policy.id, name: policy.name, document: policy.document };
    for (const target of policy.targets) pushTo(byTarget, target, attached);
  }
  return byTarget;
}
