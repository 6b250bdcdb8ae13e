/**
 * `expect.except`: the services that may be opted in at or below a root, OU or account; and the rules
 * that hold only at or below a target (ExpectBlock.scoped), from which every other node is exempt.
 */
import { pushTo } from '../collections.ts';
import type { OrgTree } from '../organization.ts';
import type { ExpectBlock } from '../policy-types/policy-type.ts';
import { type PlanDraft, resolveTargets } from './draft.ts';

/** Exempt services (or rule ids) per node (root, OU or account), each node's own plus those of its ancestors. */
export function exemptions(
  draft: PlanDraft,
  expect: ExpectBlock | undefined,
): Map<string, ReadonlySet<string>> {
  const own = new Map<string, string[]>();
  for (const exception of expect?.except ?? []) {
    const [node] = resolveTargets(draft, [exception.target]);
    if (node) own.set(node.id, [...(own.get(node.id) ?? []), ...exception.services]);
  }
  const exempt = inherit(draft.tree, own);
  // Without scoped rules no node is outside one: the loop below leaves every set as it is.
  const scoped = expect?.scoped ?? [];
  const applying = new Map<string, string[]>();
  for (const rule of scoped) {
    const [node] = resolveTargets(draft, [rule.target]);
    if (node) pushTo(applying, node.id, rule.id);
  }
  const applies = inherit(draft.tree, applying);
  for (const [nodeId, set] of exempt) {
    const outside = scoped.filter((rule) => !applies.get(nodeId)?.has(rule.id)).map((rule) => rule.id);
    // A node inside every rule keeps the set it shares with its parent.
    if (outside.length > 0) exempt.set(nodeId, new Set([...set, ...outside]));
  }
  return exempt;
}

/** A node that adds no exemption shares its parent's set. */
function inherit(tree: OrgTree, own: ReadonlyMap<string, string[]>): Map<string, ReadonlySet<string>> {
  const result = new Map<string, ReadonlySet<string>>();
  const empty: ReadonlySet<string> = new Set();
  for (const node of tree.topDown()) {
    const inherited = node.parentId === undefined ? empty : (result.get(node.parentId) ?? empty);
    const added = own.get(node.id);
    result.set(node.id, added ? new Set([...inherited, ...added]) : inherited);
  }
  return result;
}
