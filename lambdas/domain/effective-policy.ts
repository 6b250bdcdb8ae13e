/**
 * The effective-policy engine: AWS's inheritance rules for AI services opt-out policies, computed
 * locally for every node of the organization in one pass from the root down.
 *
 * Rules (AWS Organizations user guide, "AI services opt-out policy syntax and examples" and
 * "Inheritance operators"; cases in ../shared/facts/organizations-ai-optout.md section 2):
 * - Policies apply root, then each OU down the path, then the account; a child's `@@assign` overwrites
 *   the inherited value unless a parent forbade it, and a forbidden change is simply not applied.
 * - `@@operators_allowed_for_child_policies` is read per level and never cascades:
 *   under `services` it decides whether children may add service keys; under `opt_out_policy` whether
 *   they may change that service's value. Under a service key it only guards the list of keys below
 *   the entry (which can hold nothing but `opt_out_policy`), so by itself it does not stop a child from
 *   changing the value: AWS's Example 1 locks all three levels for that reason.
 * - Several policies on one node: their child-control operators intersect; when they assign different
 *   values to the same service, AWS applies them in attachment order, which no API exposes. The engine
 *   then assumes `optIn` (the less protective value) and records a conflict for the plan's warnings.
 * - The resolved setting of a service is its own entry, else the effective `default`, else `unset`.
 *
 * Nodes with no policy of their own share their parent's state object, so an organization's cost is
 * proportional to the nodes that carry attachments, and callers may cache by state identity.
 */
import { compareServiceKeys, pushTo } from './collections.ts';
import type { OrgSnapshot, ResolvedSetting, Setting } from './model.ts';
import type { OrgTree } from './organization.ts';
import {
  allowsAssign,
  OPS_ALL,
  type OperatorSet,
  type ParsedPolicyDocument,
  parsePolicyDocument,
} from './policy-document.ts';

export interface AttachedPolicy {
  id: string;
  name: string;
  document: ParsedPolicyDocument;
}

export interface SettingSource {
  policyId: string;
  policyName: string;
  /** The root, OU or account the policy is attached to. */
  nodeId: string;
}

export interface EffectiveEntry {
  value: Setting | undefined;
  source: SettingSource | undefined;
  /** Operators children may still use under the service key. */
  entryOps: OperatorSet;
  /** Operators children may still use under `opt_out_policy` (`@@assign` changes the value). */
  settingOps: OperatorSet;
}

export interface EffectiveState {
  /** Operators children may still use under `services` (`@@assign` adds service keys). */
  servicesOps: OperatorSet;
  entries: ReadonlyMap<string, EffectiveEntry>;
}

export interface ValueConflict {
  nodeId: string;
  service: string;
  candidates: { policyId: string; policyName: string; value: Setting }[];
  assumed: Setting;
}

export interface BlockedChange {
  nodeId: string;
  service: string;
  policyId: string;
  policyName: string;
  value: Setting;
  /** Why AWS does not apply it. */
  reason: 'service-list-locked' | 'setting-locked';
  /** The policy and node whose lock forbids the change, when known. */
  lockedBy: SettingSource | undefined;
}

export const EMPTY_STATE: EffectiveState = { servicesOps: OPS_ALL, entries: new Map() };

interface MergeResult {
  state: EffectiveState;
  conflicts: ValueConflict[];
  blocked: BlockedChange[];
}

function byId(a: AttachedPolicy, b: AttachedPolicy): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merges the policies attached to one node into the state inherited from its parent.
 * `servicesLockSource` names who locked the service list, for explanations.
 */
export function mergeNode(
  parent: EffectiveState,
  nodeId: string,
  policies: readonly AttachedPolicy[],
  servicesLockSource?: SettingSource,
): MergeResult {
  const usable = policies.filter((p) => p.document.usable);
  if (usable.length === 0) return { state: parent, conflicts: [], blocked: [] };
  const ordered = [...usable].sort(byId);
  const entries = new Map(parent.entries);
  const conflicts: ValueConflict[] = [];
  const blocked: BlockedChange[] = [];

  const keys = new Set<string>();
  for (const policy of ordered) for (const key of policy.document.entries.keys()) keys.add(key);

  for (const key of keys) {
    const inherited = parent.entries.get(key);
    const canAdd = inherited !== undefined || allowsAssign(parent.servicesOps);
    const canAssign = inherited === undefined ? canAdd : allowsAssign(inherited.settingOps);
    const candidates: { policy: AttachedPolicy; value: Setting }[] = [];
    let present = false;
    for (const policy of ordered) {
      const entry = policy.document.entries.get(key);
      if (!entry) continue;
      if (!canAdd) {
        if (entry.setting !== undefined) {
          blocked.push({
            nodeId,
            service: key,
            policyId: policy.id,
            policyName: policy.name,
            value: entry.setting,
            reason: 'service-list-locked',
            lockedBy: servicesLockSource,
          });
        }
        continue;
      }
      present = true;
      if (entry.setting === undefined) continue;
      if (canAssign) candidates.push({ policy, value: entry.setting });
      else if (entry.setting !== inherited?.value) {
        blocked.push({
          nodeId,
          service: key,
          policyId: policy.id,
          policyName: policy.name,
          value: entry.setting,
          reason: 'setting-locked',
          lockedBy: inherited?.source,
        });
      }
    }
    if (!present) continue;

    let value = inherited?.value;
    let source = inherited?.source;
    const first = candidates[0];
    if (first) {
      const distinct = new Set(candidates.map((c) => c.value));
      const chosen = distinct.size > 1 ? (candidates.find((c) => c.value === 'optIn') ?? first) : first;
      value = chosen.value;
      source = { policyId: chosen.policy.id, policyName: chosen.policy.name, nodeId };
      if (distinct.size > 1) {
        conflicts.push({
          nodeId,
          service: key,
          candidates: candidates.map((c) => ({
            policyId: c.policy.id,
            policyName: c.policy.name,
            value: c.value,
          })),
          assumed: 'optIn',
        });
      }
    }
    let entryOps = inherited?.entryOps ?? OPS_ALL;
    let settingOps = inherited?.settingOps ?? OPS_ALL;
    for (const policy of ordered) {
      const entry = policy.document.entries.get(key);
      if (!entry) continue;
      if (entry.entryOps !== undefined) entryOps &= entry.entryOps;
      if (entry.settingOps !== undefined) settingOps &= entry.settingOps;
    }
    entries.set(key, { value, source, entryOps, settingOps });
  }

  let servicesOps = parent.servicesOps;
  for (const policy of ordered) {
    if (policy.document.servicesOps !== undefined) servicesOps &= policy.document.servicesOps;
  }
  return { state: { servicesOps, entries }, conflicts, blocked };
}

export class EffectivePolicies {
  private readonly states = new Map<string, EffectiveState>();
  readonly conflicts: ValueConflict[] = [];
  readonly blocked: BlockedChange[] = [];

  constructor(
    readonly tree: OrgTree,
    attachments: ReadonlyMap<string, readonly AttachedPolicy[]>,
  ) {
    const lockSources = new Map<string, SettingSource | undefined>();
    for (const node of tree.topDown()) {
      const parentState = node.parentId === undefined ? EMPTY_STATE : this.stateOf(node.parentId);
      const parentLock = node.parentId === undefined ? undefined : lockSources.get(node.parentId);
      const policies = attachments.get(node.id) ?? [];
      const merged = mergeNode(parentState, node.id, policies, parentLock);
      this.states.set(node.id, merged.state);
      lockSources.set(
        node.id,
        servicesLockSourceAfter(parentState, merged.state, node.id, policies, parentLock),
      );
      for (const conflict of merged.conflicts) this.conflicts.push(conflict);
      for (const change of merged.blocked) this.blocked.push(change);
    }
  }

  stateOf(nodeId: string): EffectiveState {
    const state = this.states.get(nodeId);
    if (!state) throw new Error(`no effective state for ${nodeId}`);
    return state;
  }
}

function servicesLockSourceAfter(
  parent: EffectiveState,
  state: EffectiveState,
  nodeId: string,
  policies: readonly AttachedPolicy[],
  parentLock: SettingSource | undefined,
): SettingSource | undefined {
  if (!allowsAssign(parent.servicesOps)) return parentLock;
  if (allowsAssign(state.servicesOps)) return undefined;
  const locker = [...policies]
    .sort(byId)
    .find(
      (p) =>
        p.document.usable && p.document.servicesOps !== undefined && !allowsAssign(p.document.servicesOps),
    );
  return locker ? { policyId: locker.id, policyName: locker.name, nodeId } : undefined;
}

/** Policies by the root, OU or account they are attached to. */
export function attachmentsOf(
  policies: Iterable<{
    id: string;
    name: string;
    targets: readonly string[];
    document: ParsedPolicyDocument;
  }>,
): Map<string, AttachedPolicy[]> {
  const byTarget = new Map<string, AttachedPolicy[]>();
  for (const policy of policies) {
    const attached: AttachedPolicy = { id: policy.id, name: policy.name, document: policy.document };
    for (const target of policy.targets) pushTo(byTarget, target, attached);
  }
  return byTarget;
}

/** The effective policies of every node of a snapshot, as attached there (policy type assumed enabled). */
export function effectivePoliciesOf(tree: OrgTree, policies: OrgSnapshot['policies']): EffectivePolicies {
  return new EffectivePolicies(
    tree,
    attachmentsOf(policies.map((p) => ({ ...p, document: parsePolicyDocument(p.content) }))),
  );
}

/** The resolved setting: the service's own entry, else `default`, else `unset`. */
export function resolve(state: EffectiveState, service: string): ResolvedSetting {
  return state.entries.get(service)?.value ?? state.entries.get('default')?.value ?? 'unset';
}

/** The policy and node that decide the resolved setting, if any. */
export function resolvedSource(state: EffectiveState, service: string): SettingSource | undefined {
  const own = state.entries.get(service);
  if (own?.value !== undefined) return own.source;
  return state.entries.get('default')?.source;
}

/** Services with an entry of their own, plus `default`. */
export function servicesOf(state: EffectiveState): Set<string> {
  const keys = new Set<string>(['default']);
  for (const [key, entry] of state.entries) if (entry.value !== undefined) keys.add(key);
  return keys;
}

/**
 * The state in the format DescribeEffectivePolicy returns: operators stripped, each service mapped to
 * `{"opt_out_policy": "optOut" | "optIn"}`.
 */
export function effectiveDocument(state: EffectiveState): {
  services: Record<string, { opt_out_policy: Setting }>;
} {
  const services: Record<string, { opt_out_policy: Setting }> = {};
  const keys = [...state.entries.keys()].sort(compareServiceKeys);
  for (const key of keys) {
    const value = state.entries.get(key)?.value;
    if (value !== undefined) services[key] = { opt_out_policy: value };
  }
  return { services };
}
