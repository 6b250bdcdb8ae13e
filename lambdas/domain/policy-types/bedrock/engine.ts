/**
 * The effective-policy engine's rules for Bedrock policies: how the policies attached to one node change
 * the state its parent passes down (EffectivePolicies walks the tree with them). They are the rules of
 * every declarative policy type [ORG-INHERITANCE-OPERATORS], [ORG-INHERITANCE-ATTACHMENT-ORDER]; the
 * Bedrock pages add none of their own [ORG-BEDROCK-SYNTAX]:
 * - Policies apply root, then each OU down the path, then the account. `@@assign` replaces the inherited
 *   value (a whole list for a list), `@@append` adds to an inherited list, `@@remove` takes from it.
 * - `@@operators_allowed_for_child_policies` at a node says which of those operators children may use
 *   at that node, and is read per node, never cascading: at a setting it guards the value; at any other
 *   node it guards adding keys below it (adding needs `@@assign` allowed there). An operator a parent
 *   forbade is simply not applied, and inherited restrictions are never lifted.
 * - Several policies on one node: their child-control operators intersect. When they assign different
 *   values AWS applies them in attachment order, which no API reports: the engine keeps the value of
 *   the lowest policy id, marks the setting as undecided (the candidates stay with it, so `expect` can
 *   refuse to count it) and records a conflict for the plan's warnings. Appends and removes of one node
 *   apply after its assignment, in policy id order.
 */

import { compareText } from '../../collections.ts';
import {
  allows,
  OP_APPEND,
  OP_ASSIGN,
  OP_REMOVE,
  OPS_ALL,
  OPS_NONE,
  type OperatorSet,
} from '../operators.ts';
import type { AttachedPolicy, SettingChange, SettingSource, ValueConflict } from '../policy-type.ts';
import type { LeafOperators, ParsedBedrockDocument, Value } from './document.ts';
import { prefixNames, type Segments, settingName } from './paths.ts';

type AttachedBedrockPolicy = AttachedPolicy<ParsedBedrockDocument>;

export interface Candidate {
  policyId: string;
  policyName: string;
  value: string;
}

export interface EffectiveValue {
  segments: Segments;
  value: Value;
  source: SettingSource | undefined;
  /** Set when policies on the deciding node assign different values: what each assigns. */
  undecided?: readonly Candidate[];
}

export interface BedrockState {
  /** Operators children may still use at each node (absent: all). */
  locks: ReadonlyMap<string, OperatorSet>;
  /** Each setting with a value, by node name. */
  values: ReadonlyMap<string, EffectiveValue>;
  /** Every node the state holds (the settings, the nodes above them, the locked ones). */
  nodes: ReadonlySet<string>;
}

export const EMPTY_STATE: BedrockState = { locks: new Map(), values: new Map(), nodes: new Set() };

/** A value as AWS prints it and reports compare it: a string, or a list as JSON. */
export function printedValue(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Whether a policy on a node below `parent` may write at `segments`: a node the parent holds takes the
 * operators its lock allows; a new node is added under the deepest node the parent holds, whose lock
 * must allow `@@assign`, and below a new node everything is new and open.
 */
export function operatorsAt(parent: BedrockState, segments: Segments): OperatorSet {
  // Nothing above the document's top key locks it.
  let held = OPS_ALL;
  for (const name of prefixNames(segments)) {
    if (!parent.nodes.has(name)) return allows(held, OP_ASSIGN) ? OPS_ALL : OPS_NONE;
    held = parent.locks.get(name) ?? OPS_ALL;
  }
  return held;
}

interface Written {
  segments: Segments;
  assigns: { policy: AttachedBedrockPolicy; value: Value }[];
  edits: { policy: AttachedBedrockPolicy; operators: LeafOperators }[];
}

/**
 * The writes of the node's policies that the parent's locks allow, by each setting the policies write to
 * (with no write when the locks allow none: the setting then keeps its inherited value).
 */
function allowedWrites(
  parent: BedrockState,
  ordered: readonly AttachedBedrockPolicy[],
): Map<string, Written> {
  const written = new Map<string, Written>();
  for (const policy of ordered) {
    for (const [name, leaf] of policy.document.leaves) {
      const ops = operatorsAt(parent, leaf.segments);
      const entry = written.get(name) ?? { segments: leaf.segments, assigns: [], edits: [] };
      const { assign, append, remove } = leaf.operators;
      if (assign !== undefined && allows(ops, OP_ASSIGN)) entry.assigns.push({ policy, value: assign });
      const edits: LeafOperators = {
        ...(append && allows(ops, OP_APPEND) ? { append } : {}),
        ...(remove && allows(ops, OP_REMOVE) ? { remove } : {}),
      };
      if (edits.append || edits.remove) entry.edits.push({ policy, operators: edits });
      written.set(name, entry);
    }
  }
  return written;
}

/** Merges the policies attached to one node into the state inherited from its parent. */
export function mergeNode(
  parent: BedrockState,
  nodeId: string,
  policies: readonly AttachedBedrockPolicy[],
): { state: BedrockState; conflicts: ValueConflict[] } {
  const ordered = policies.filter((p) => p.document.usable).sort((a, b) => compareText(a.id, b.id));
  if (ordered.length === 0) return { state: parent, conflicts: [] };
  const values = new Map(parent.values);
  const nodes = new Set(parent.nodes);
  const conflicts: ValueConflict[] = [];
  for (const [name, written] of allowedWrites(parent, ordered)) {
    const merged = mergeSetting(parent.values.get(name), nodeId, written);
    if (merged.conflict) conflicts.push(merged.conflict);
    if (merged.value) {
      values.set(name, merged.value);
      for (const prefix of prefixNames(written.segments)) nodes.add(prefix);
    }
  }
  const locks = new Map(parent.locks);
  for (const policy of ordered) {
    for (const [name, lock] of policy.document.locks) {
      if (operatorsAt(parent, lock.segments) === OPS_NONE) continue;
      locks.set(name, (locks.get(name) ?? OPS_ALL) & lock.ops);
      for (const prefix of prefixNames(lock.segments)) nodes.add(prefix);
    }
  }
  return { state: { locks, values, nodes }, conflicts };
}

/** One setting after the node's writes: the assignment (or the inherited value), then appends and removes. */
function mergeSetting(
  inherited: EffectiveValue | undefined,
  nodeId: string,
  written: Written,
): { value: EffectiveValue | undefined; conflict: ValueConflict | undefined } {
  const first = written.assigns[0];
  const sourceOf = (policy: AttachedBedrockPolicy) => ({
    policyId: policy.id,
    policyName: policy.name,
    nodeId,
  });
  let current: EffectiveValue | undefined = first
    ? { segments: written.segments, value: first.value, source: sourceOf(first.policy) }
    : inherited;
  let conflict: ValueConflict | undefined;
  const candidates = written.assigns.map(({ policy, value }) => ({
    policyId: policy.id,
    policyName: policy.name,
    value: printedValue(value),
  }));
  const [assumed] = candidates;
  if (assumed && candidates.some((c) => c.value !== assumed.value)) {
    current = { ...(current as EffectiveValue), undecided: candidates };
    const service = settingName(written.segments);
    conflict = { nodeId, service, candidates, assumed: assumed.value };
  }
  for (const { policy, operators } of written.edits) {
    const list = current && typeof current.value !== 'string' ? current.value : [];
    const appended = [...list, ...(operators.append ?? []).filter((item) => !list.includes(item))];
    const removed = new Set(operators.remove);
    const value = appended.filter((item) => !removed.has(item));
    current = { segments: written.segments, value, source: sourceOf(policy) };
  }
  return { value: current, conflict };
}

/** The settings whose printed value differs between two states, by name (`unset` when absent). */
export function settingChanges(before: BedrockState, after: BedrockState): SettingChange[] {
  if (before === after) return [];
  // Each setting of either state, by name: a name stands for the same keys in both.
  const settings = new Map([...before.values, ...after.values]);
  const changes: SettingChange[] = [];
  for (const name of [...settings.keys()].sort()) {
    const from = before.values.get(name);
    const to = after.values.get(name);
    const fromText = from ? printedValue(from.value) : 'unset';
    const toText = to ? printedValue(to.value) : 'unset';
    const { segments } = settings.get(name) as EffectiveValue;
    if (fromText !== toText) changes.push({ service: settingName(segments), from: fromText, to: toText });
  }
  return changes;
}

/** A setting of a state by its name below `guardrail_inference`. */
export function valueNamed(state: BedrockState, name: string): EffectiveValue | undefined {
  for (const value of state.values.values()) if (settingName(value.segments) === name) return value;
  return undefined;
}
