/**
 * Organization snapshots (contract section 5): validation of a parsed file, and canonical
 * serialization. A malformed snapshot fails with the path of the bad field.
 */
import { z } from 'zod';
import { SnapshotError } from './errors.ts';
import type { OrgSnapshot } from './model.ts';
import { InvalidHierarchyError, OrgTree } from './organization.ts';

const accountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit account id');
const rootId = z.string().regex(/^r-[0-9a-z]{4,32}$/, 'expected a root id such as r-ab12');
const parentId = z
  .string()
  .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, 'expected a root or OU id');
const targetId = z
  .string()
  .regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/, 'expected a root, OU or account id');

export const SnapshotSchema = z.object({
  snapshotVersion: z.literal(1),
  capturedAt: z.string().min(1),
  organization: z.object({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an organization id such as o-a1b2c3d4e5'),
    managementAccountId: accountId,
  }),
  root: z.object({
    id: rootId,
    name: z.string().min(1),
    policyTypes: z.array(z.object({ type: z.string().min(1), status: z.string().min(1) })),
  }),
  organizationalUnits: z.array(
    z.object({
      id: z
        .string()
        .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'expected an OU id such as ou-ab12-cd34ef56'),
      name: z.string().min(1),
      parentId,
    }),
  ),
  accounts: z.array(
    z.object({
      id: accountId,
      name: z.string(),
      email: z.string().optional(),
      status: z.string().optional(),
      parentId,
    }),
  ),
  policies: z.array(
    z.object({
      id: z.string().regex(/^p-[0-9a-zA-Z_]{8,128}$/, 'expected a policy id such as p-ab12cd34'),
      name: z.string().min(1),
      description: z.string().default(''),
      content: z.string(),
      tags: z.record(z.string(), z.string()).default({}),
      targets: z.array(targetId),
    }),
  ),
});

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
  const snapshot = parsed.data as OrgSnapshot;
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
