/**
 * The organization's hierarchy as an indexed tree: paths, children, and resolution of the targets a
 * desired state names (`root`, OU paths or ids, account ids or names).
 */

import { pushTo } from './collections.ts';
import { ACCOUNT_ID_PATTERN } from './contract.ts';
import { echo } from './echo.ts';
import { type OrgSnapshot, OU_ID_PATTERN, type TargetRef, type TargetType } from './model.ts';
import { closest } from './suggest.ts';

export interface OrgNode {
  id: string;
  type: TargetType;
  name: string;
  parentId: string | undefined;
  /** `Root`, `Root/Workloads/Prod`; for an account, the path of the OU (or root) that holds it. */
  path: string;
  /** Root, OUs and accounts directly below this node. */
  children: OrgNode[];
  email?: string | undefined;
  status?: string | undefined;
}

export type TargetResolution = { ok: true; node: OrgNode } | { ok: false; message: string; hint?: string };

export class InvalidHierarchyError extends Error {
  override name = 'InvalidHierarchyError';
}

export class OrgTree {
  readonly root: OrgNode;
  readonly nodes = new Map<string, OrgNode>();
  /** OUs by path relative to the root, such as `Workloads/Prod`. */
  private readonly ouByRelativePath = new Map<string, OrgNode[]>();
  private readonly accountsByName = new Map<string, OrgNode[]>();
  readonly accounts: OrgNode[] = [];
  readonly organizationalUnits: OrgNode[] = [];

  constructor(snapshot: Pick<OrgSnapshot, 'root' | 'organizationalUnits' | 'accounts'>) {
    this.root = {
      id: snapshot.root.id,
      type: 'ROOT',
      name: snapshot.root.name,
      parentId: undefined,
      path: snapshot.root.name,
      children: [],
    };
    this.nodes.set(this.root.id, this.root);
    for (const { id, name, parentId } of snapshot.organizationalUnits) {
      this.organizationalUnits.push(this.add({ id, name, parentId, type: 'ORGANIZATIONAL_UNIT' }, 'OU'));
    }
    for (const account of snapshot.accounts) {
      const { id, name, parentId, email, status } = account;
      this.accounts.push(this.add({ id, name, parentId, email, status, type: 'ACCOUNT' }, 'account'));
    }
    this.linkChildren();
    this.assignPaths();
    for (const ou of this.organizationalUnits) {
      pushTo(this.ouByRelativePath, ou.path.slice(this.root.path.length + 1), ou);
    }
    for (const account of this.accounts) pushTo(this.accountsByName, account.name, account);
  }

  /** Adds an OU or account; its path is known once every node is linked to its parent. */
  private add(fields: Omit<OrgNode, 'path' | 'children'>, kind: string): OrgNode {
    if (this.nodes.has(fields.id)) throw new InvalidHierarchyError(`${kind} ${fields.id} appears twice`);
    const node: OrgNode = { ...fields, path: '', children: [] };
    this.nodes.set(node.id, node);
    return node;
  }

  private linkChildren(): void {
    for (const node of this.nodes.values()) {
      if (node.parentId === undefined) continue;
      const parent = this.nodes.get(node.parentId);
      if (!parent || parent.type === 'ACCOUNT') {
        throw new InvalidHierarchyError(
          `${node.id} names parent ${node.parentId}, which is not the root or an OU`,
        );
      }
      parent.children.push(node);
    }
  }

  private assignPaths(): void {
    const stack: OrgNode[] = [this.root];
    let visited = 0;
    while (stack.length > 0) {
      const node = stack.pop() as OrgNode;
      visited++;
      for (const child of node.children) {
        child.path = child.type === 'ACCOUNT' ? node.path : `${node.path}/${child.name}`;
        stack.push(child);
      }
    }
    if (visited !== this.nodes.size) {
      const orphan = [...this.nodes.values()].find((n) => n.type !== 'ROOT' && n.path === '');
      throw new InvalidHierarchyError(
        `${orphan?.id ?? 'a node'} is not reachable from the root (a parent cycle)`,
      );
    }
  }

  get(id: string): OrgNode | undefined {
    return this.nodes.get(id);
  }

  /** Nodes from the root down to `node`, inclusive. */
  chain(node: OrgNode): OrgNode[] {
    const chain: OrgNode[] = [];
    let current: OrgNode | undefined = node;
    while (current) {
      chain.push(current);
      current = current.parentId === undefined ? undefined : this.nodes.get(current.parentId);
    }
    return chain.reverse();
  }

  /** Root first, then every OU and account with its parent before it. */
  *topDown(): Generator<OrgNode> {
    const queue: OrgNode[] = [this.root];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i] as OrgNode;
      yield node;
      for (const child of node.children) queue.push(child);
    }
  }

  /** A human name for a node: `Root`, `Root/Sandbox`, `prod-app (111122223333)`. */
  label(node: OrgNode): string {
    return node.type === 'ACCOUNT' ? `${node.name} (${node.id})` : node.path;
  }

  resolve(target: TargetRef): TargetResolution {
    if (target.kind === 'root') return { ok: true, node: this.root };
    if (target.kind === 'ou') return this.resolveOu(target.ref);
    return this.resolveAccount(target.ref);
  }

  private resolveOu(ref: string): TargetResolution {
    if (OU_ID_PATTERN.test(ref)) {
      const node = this.nodes.get(ref);
      if (node?.type === 'ORGANIZATIONAL_UNIT') return { ok: true, node };
      return { ok: false, message: `OU id ${ref} does not exist in organization root ${this.root.id}` };
    }
    let relative = ref.replace(/^\/+|\/+$/g, '');
    for (const prefix of [`${this.root.name}/`, 'Root/']) {
      if (relative.startsWith(prefix)) {
        relative = relative.slice(prefix.length);
        break;
      }
    }
    return oneOf(this.ouByRelativePath, relative, {
      several: (n, ids) => `OU path ${echo(ref)} matches ${n} OUs (${ids})`,
      useInstead: 'use the OU id instead',
      none: `OU ${this.root.name}/${echo(relative)} does not exist`,
    });
  }

  private resolveAccount(ref: string): TargetResolution {
    if (ACCOUNT_ID_PATTERN.test(ref)) {
      const node = this.nodes.get(ref);
      if (node?.type === 'ACCOUNT') return { ok: true, node };
      return { ok: false, message: `account ${ref} is not a member of the organization` };
    }
    return oneOf(this.accountsByName, ref, {
      several: (n, ids) => `account name ${echo(ref)} matches ${n} accounts (${ids})`,
      useInstead: 'use the 12-digit account id instead',
      none: `no account named ${echo(ref)} in the organization`,
    });
  }
}

/** The one node a name stands for in `index`; else why not: several (use the id), or none (the closest name). */
function oneOf(
  index: ReadonlyMap<string, OrgNode[]>,
  name: string,
  say: { several: (count: number, ids: string) => string; useInstead: string; none: string },
): TargetResolution {
  const matches = index.get(name) ?? [];
  if (matches.length === 1) return { ok: true, node: matches[0] as OrgNode };
  if (matches.length > 1) {
    const ids = matches.map((m) => m.id).join(', ');
    return { ok: false, message: say.several(matches.length, ids), hint: say.useInstead };
  }
  const suggestion = closest(name, index.keys());
  return { ok: false, message: say.none, ...(suggestion ? { hint: `did you mean \`${suggestion}\`?` } : {}) };
}
