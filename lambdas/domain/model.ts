/**
 * Shapes shared by the whole domain, each written once as a zod schema with its type inferred:
 * target types and the organization snapshot (the file `ai-optout snapshot` writes and
 * `plan --snapshot` reads, docs/cli.md); target references; the ownership tag. What is particular to a
 * policy type is in policy-types/.
 */
import * as z from 'zod';
import { ACCOUNT_ID_PATTERN } from './contract.ts';

/** Tag that marks a policy as owned by this tool (docs/configuration.md, "Ownership"). */
export const MANAGED_TAG_KEY = 'ai-optout:managed';
export const MANAGED_TAG_VALUE = 'true';
export const TargetTypeSchema = z.enum(['ROOT', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']);
export type TargetType = z.output<typeof TargetTypeSchema>;

/**
 * Id formats of the Organizations API [ORG-ID-FORMATS] (AccountId is ACCOUNT_ID_PATTERN).
 */
const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const POLICY_ID_PATTERN = /^p-[0-9a-zA-Z_]{8,128}$/;
const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/** An id of one of the given formats (the API's ParentId and PolicyTargetId are such unions). */
function idOf(patterns: readonly RegExp[], message: string) {
  return z.string().refine((id) => patterns.some((pattern) => pattern.test(id)), message);
}

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
const parentId = idOf([ROOT_ID_PATTERN, OU_ID_PATTERN], 'expected a root or OU id');
const targetId = idOf(
  [ROOT_ID_PATTERN, OU_ID_PATTERN, ACCOUNT_ID_PATTERN],
  'expected a root, OU or account id',
);

const SnapshotRootSchema = z.object({
  id: z.string().regex(ROOT_ID_PATTERN, 'expected a root id such as r-ab12'),
  name: z.string().min(1),
  policyTypes: z.array(z.object({ type: z.string().min(1), status: z.string().min(1) })),
});

const SnapshotPolicySchema = z.object({
  id: z.string().regex(POLICY_ID_PATTERN, 'expected a policy id such as p-ab12cd34'),
  name: z.string().min(1),
  description: z.string().default(''),
  content: z.string(),
  tags: z.record(z.string(), z.string()).default({}),
  targets: z.array(targetId),
  /**
   * Extension: the policy's Organizations type. Absent: an AI services opt-out policy, the one type of
   * the snapshots written before there were two.
   */
  type: z.string().min(1).optional(),
});
export type SnapshotPolicy = z.output<typeof SnapshotPolicySchema>;

/** An organization as the tool sees it: hierarchy plus every policy of one type with its targets (policy-types/version-1.ts). */
export const SnapshotSchema = z.object({
  snapshotVersion: z.literal(1),
  capturedAt: z.string().min(1),
  organization: z.object({
    id: z.string().regex(ORGANIZATION_ID_PATTERN, 'expected an organization id such as o-a1b2c3d4e5'),
    managementAccountId: accountId,
  }),
  root: SnapshotRootSchema,
  organizationalUnits: z.array(
    z.object({
      id: z.string().regex(OU_ID_PATTERN, 'expected an OU id such as ou-ab12-cd34ef56'),
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
  policies: z.array(SnapshotPolicySchema),
  /**
   * Extension: the policy types whose policies the snapshot holds, all of them. Absent: AI services
   * opt-out policies only (a snapshot that says nothing of a type cannot tell "none" from "not read").
   */
  capturedPolicyTypes: z.array(z.string().min(1)).optional(),
});
export type OrgSnapshot = z.output<typeof SnapshotSchema>;

/** A target as written in the desired state: `root`, `ou: path-or-id`, `account: id-or-name`. */
export type TargetRef = { kind: 'root' } | { kind: 'ou'; ref: string } | { kind: 'account'; ref: string };

export function isManagedPolicy(policy: Pick<SnapshotPolicy, 'tags'>): boolean {
  return policy.tags[MANAGED_TAG_KEY] === MANAGED_TAG_VALUE;
}
