/** `expect.except`: the services that may be opted in at or below a root, OU or account. */
import type { OrgTree } from '../organization.ts';
import type { ExpectBlock } from '../policy-types/policy-type.ts';
import { type PlanDraft, resolveTargets } from './draft.ts';

/** Exempt services per node (root, OU or account), each node's own plus those of its ancestors. */
export function exemptions(
  draft: PlanDraft,
  expect: ExpectBlock | undefined,
): Map<string, ReadonlySet<string>> {
  const own = new Map<string, string[]>();
  for (const exception of expect?.except ?? []) {
    const [node] = resolveTargets(draft, [exception.target]);
    if (node) own.set(node.id, [...(own.get(node.id) ?? []), ...exception.services]);
  }
  return inherit(draft.tree, own);
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
