/**
 * The organization's hierarchy as an indexed tree: paths, children, and resolution of the targets a
 * desired state names (`root`, OU paths or ids, account ids or names).
 */

import { pushTo } from './collections.ts';
import { echo } from './echo.ts';
import type { OrgSnapshot, TargetRef, TargetType } from './model.ts';
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

export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

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
    const rootNode: OrgNode = {
      id: snapshot.root.id,
      type: 'ROOT',
      name: snapshot.root.name,
      parentId: undefined,
      path: snapshot.root.name,
      children: [],
    };
    this.root = rootNode;
    this.nodes.set(rootNode.id, rootNode);
    for (const ou of snapshot.organizationalUnits) {
      const node: OrgNode = {
        id: ou.id,
        type: 'ORGANIZATIONAL_UNIT',
        name: ou.name,
        parentId: ou.parentId,
        path: '',
        children: [],
      };
      if (this.nodes.has(ou.id)) throw new InvalidHierarchyError(`OU ${ou.id} appears twice`);
      this.nodes.set(ou.id, node);
      this.organizationalUnits.push(node);
    }
    for (const account of snapshot.accounts) {
      const node: OrgNode = {
        id: account.id,
        type: 'ACCOUNT',
        name: account.name,
        parentId: account.parentId,
        path: '',
        children: [],
        email: account.email,
        status: account.status,
      };
      if (this.nodes.has(account.id)) throw new InvalidHierarchyError(`account ${account.id} appears twice`);
      this.nodes.set(account.id, node);
      this.accounts.push(node);
    }
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
    this.assignPaths();
    for (const ou of this.organizationalUnits) {
      const relative = ou.path.slice(rootNode.path.length + 1);
      pushTo(this.ouByRelativePath, relative, ou);
    }
    for (const account of this.accounts) {
      pushTo(this.accountsByName, account.name, account);
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
    const matches = this.ouByRelativePath.get(relative) ?? [];
    if (matches.length === 1) return { ok: true, node: matches[0] as OrgNode };
    if (matches.length > 1) {
      return {
        ok: false,
        message: `OU path ${echo(ref)} matches ${matches.length} OUs (${matches.map((m) => m.id).join(', ')})`,
        hint: 'use the OU id instead',
      };
    }
    const suggestion = closest(relative, this.ouByRelativePath.keys());
    return {
      ok: false,
      message: `OU ${this.root.name}/${echo(relative)} does not exist`,
      ...(suggestion ? { hint: `did you mean \`${suggestion}\`?` } : {}),
    };
  }

  private resolveAccount(ref: string): TargetResolution {
    if (ACCOUNT_ID_PATTERN.test(ref)) {
      const node = this.nodes.get(ref);
      if (node?.type === 'ACCOUNT') return { ok: true, node };
      return { ok: false, message: `account ${ref} is not a member of the organization` };
    }
    const matches = this.accountsByName.get(ref) ?? [];
    if (matches.length === 1) return { ok: true, node: matches[0] as OrgNode };
    if (matches.length > 1) {
      return {
        ok: false,
        message: `account name ${echo(ref)} matches ${matches.length} accounts (${matches.map((m) => m.id).join(', ')})`,
        hint: 'use the 12-digit account id instead',
      };
    }
    const suggestion = closest(ref, this.accountsByName.keys());
    return {
      ok: false,
      message: `no account named ${echo(ref)} in the organization`,
      ...(suggestion ? { hint: `did you mean \`${suggestion}\`?` } : {}),
    };
  }
}
