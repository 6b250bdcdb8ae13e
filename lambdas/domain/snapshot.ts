/**
 * Organization snapshots (the file `ai-optout snapshot` writes, docs/cli.md): validation of a parsed
 * file against SnapshotSchema (model.ts) and the references between its parts, and canonical
 * serialization. A malformed snapshot fails with the path of the bad field.
 */
import { SnapshotError } from './errors.ts';
import {
  isManagedPolicy,
  MANAGED_TAG_KEY,
  MANAGED_TAG_VALUE,
  type OrgSnapshot,
  SnapshotSchema,
} from './model.ts';
import { InvalidHierarchyError, OrgTree } from './organization.ts';

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || '(top level)';
}

/**
 * Validates a parsed snapshot: shape, then references (every parent and policy target exists, no
 * cycles). `source` names the file in messages.
 */
export function validateSnapshot(data: unknown, source: string): OrgSnapshot {
  const parsed = SnapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new SnapshotError(`${source} is not a valid organization snapshot: ${issues.join('; ')}${more}`);
  }
  const snapshot = parsed.data;
  let tree: OrgTree;
  try {
    tree = new OrgTree(snapshot);
  } catch (error) {
    if (error instanceof InvalidHierarchyError) {
      throw new SnapshotError(`${source} is not a valid organization snapshot: ${error.message}`);
    }
    throw error;
  }
  snapshot.policies.forEach((policy, i) => {
    policy.targets.forEach((target, j) => {
      if (!tree.get(target)) {
        throw new SnapshotError(
          `${source} is not a valid organization snapshot: policies[${i}].targets[${j}]: ${target} is not the root, an OU or an account of this snapshot`,
        );
      }
    });
  });
  return snapshot;
}

/** Parses snapshot text (JSON) and validates it. */
export function parseSnapshot(text: string, source: string): OrgSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return validateSnapshot(data, source);
}

/** Canonical, diff-friendly text: two-space JSON, policies and their targets sorted. */
export function serializeSnapshot(snapshot: OrgSnapshot): string {
  const policies = [...snapshot.policies]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
    .map((p) => ({ ...p, targets: [...p.targets].sort() }));
  return `${JSON.stringify({ ...snapshot, policies }, null, 2)}\n`;
}

/**
 * The snapshot as the pipeline publishes it for reviewers (docs/pull-requests.md): no account e-mail
 * addresses, and of each policy's tags only the ownership tag, the one tag the planner reads (other tags
 * may name people or cost centres). Still a valid snapshot: `plan --snapshot` reads it and plans exactly
 * as it would from the full one.
 */
export function publishedSnapshot(snapshot: OrgSnapshot): OrgSnapshot {
  return {
    ...snapshot,
    accounts: snapshot.accounts.map(({ email: _email, ...account }) => account),
    policies: snapshot.policies.map((policy) => {
      const tags: Record<string, string> = isManagedPolicy(policy)
        ? { [MANAGED_TAG_KEY]: MANAGED_TAG_VALUE }
        : {};
      return { ...policy, tags };
    }),
  };
}
