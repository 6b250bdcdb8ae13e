/**
 * The effective-policy engine's rules for AI services opt-out policies: how the policies attached to one
 * node change the state its parent passes down (EffectivePolicies walks the tree with them).
 *
 * Rules ([ORG-INHERITANCE-OPERATORS], [ORG-INHERITANCE-ATTACHMENT-ORDER], [ORG-AI-RESOLVED-SETTING];
 * docs/configuration.md, "Locks: what child policies can do", says the same for users):
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
 */
import type { OrgSnapshot } from '../../model.ts';
import type { OrgTree } from '../../organization.ts';
import { attachmentsOf, EffectivePolicies } from '../effective-policies.ts';
import type { AttachedPolicy, SettingChange, SettingSource, ValueConflict } from '../policy-type.ts';
import {
  allowsAssign,
  OPS_ALL,
  type OperatorSet,
  type ParsedPolicyDocument,
  parsePolicyDocument,
} from './document.ts';
import { compareServiceKeys, type ResolvedSetting, type Setting } from './settings.ts';

type AttachedAiPolicy = AttachedPolicy<ParsedPolicyDocument>;

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

export const EMPTY_STATE: EffectiveState = { servicesOps: OPS_ALL, entries: new Map() };

function byId(a: AttachedAiPolicy, b: AttachedAiPolicy): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Merges the policies attached to one node into the state inherited from its parent. */
export function mergeNode(
  parent: EffectiveState,
  nodeId: string,
  policies: readonly AttachedAiPolicy[],
): { state: EffectiveState; conflicts: ValueConflict[] } {
  const ordered = policies.filter((p) => p.document.usable).sort(byId);
  if (ordered.length === 0) return { state: parent, conflicts: [] };
  const entries = new Map(parent.entries);
  const conflicts: ValueConflict[] = [];
  const keys = new Set(ordered.flatMap((policy) => [...policy.document.entries.keys()]));
  for (const key of keys) {
    const inherited = parent.entries.get(key);
    // A service the parent did not set can be added only while the parent's service list is open.
    if (inherited === undefined && !allowsAssign(parent.servicesOps)) continue;
    const merged = mergeEntry(inherited, nodeId, key, ordered);
    entries.set(key, merged.entry);
    if (merged.conflict) conflicts.push(merged.conflict);
  }
  let servicesOps = parent.servicesOps;
  for (const policy of ordered) {
    if (policy.document.servicesOps !== undefined) servicesOps &= policy.document.servicesOps;
  }
  return { state: { servicesOps, entries }, conflicts };
}

/** One service's entry after the node's policies: their value unless the parent locked it, their locks added. */
function mergeEntry(
  inherited: EffectiveEntry | undefined,
  nodeId: string,
  key: string,
  ordered: readonly AttachedAiPolicy[],
): { entry: EffectiveEntry; conflict: ValueConflict | undefined } {
  const own = ordered.flatMap((policy) => {
    const entry = policy.document.entries.get(key);
    return entry ? [{ policy, entry }] : [];
  });
  const canAssign = inherited === undefined || allowsAssign(inherited.settingOps);
  const candidates = canAssign
    ? own.flatMap(({ policy, entry }) =>
        entry.setting === undefined ? [] : [{ policy, value: entry.setting }],
      )
    : [];
  let entryOps = inherited?.entryOps ?? OPS_ALL;
  let settingOps = inherited?.settingOps ?? OPS_ALL;
  for (const { entry } of own) {
    if (entry.entryOps !== undefined) entryOps &= entry.entryOps;
    if (entry.settingOps !== undefined) settingOps &= entry.settingOps;
  }
  const chosen = chooseValue(candidates);
  if (!chosen) return { entry: { ...inheritedValue(inherited), entryOps, settingOps }, conflict: undefined };
  const source = { policyId: chosen.policy.id, policyName: chosen.policy.name, nodeId };
  const entry = { value: chosen.value, source, entryOps, settingOps };
  const disagree = candidates.some((c) => c.value !== chosen.value);
  if (!disagree) return { entry, conflict: undefined };
  const listed = candidates.map((c) => ({
    policyId: c.policy.id,
    policyName: c.policy.name,
    value: c.value,
  }));
  return { entry, conflict: { nodeId, service: key, candidates: listed, assumed: 'optIn' } };
}

function inheritedValue(inherited: EffectiveEntry | undefined): Pick<EffectiveEntry, 'value' | 'source'> {
  return { value: inherited?.value, source: inherited?.source };
}

/**
 * The value that applies when policies on one node assign a service: theirs when they agree; when
 * they disagree AWS applies them in attachment order, which no API reports, so the engine assumes
 * `optIn`, the less protective value.
 */
function chooseValue<C extends { value: Setting }>(candidates: readonly C[]): C | undefined {
  const first = candidates[0];
  if (!first || candidates.every((c) => c.value === first.value)) return first;
  return candidates.find((c) => c.value === 'optIn') ?? first;
}

/** The effective policies of every node of a snapshot, as attached there (policy type assumed enabled). */
export function effectivePoliciesOf(
  tree: OrgTree,
  policies: OrgSnapshot['policies'],
): EffectivePolicies<EffectiveState, ParsedPolicyDocument> {
  return new EffectivePolicies(
    { empty: EMPTY_STATE, merge: mergeNode },
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

/** Services whose resolved setting differs between two states, `default` first. */
export function settingChanges(before: EffectiveState, after: EffectiveState): SettingChange[] {
  if (before === after) return [];
  const services = [...new Set([...servicesOf(before), ...servicesOf(after)])].sort(compareServiceKeys);
  const changes: SettingChange[] = [];
  for (const service of services) {
    const from = resolve(before, service);
    const to = resolve(after, service);
    if (from !== to) changes.push({ service, from, to });
  }
  return changes;
}
