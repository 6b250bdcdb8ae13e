/**
 * The plan's shapes. What the report publishes of a plan (report/schema.ts; docs/cli.md, `--format
 * json`) is written here once as zod schemas, and the plan's types are inferred from them, so the
 * plan and the report cannot disagree.
 */
import { z } from 'zod';
import { ModeSchema, VerdictSchema } from '../contract.ts';
import { ResolvedSettingSchema, TargetTypeSchema } from '../model.ts';

/** The order apply carries changes out in: new protection is in place before old is removed. */
export const ACTION_ORDER = [
  'enable-policy-type',
  'create-policy',
  'adopt-policy',
  'update-policy',
  'attach-policy',
  'detach-policy',
  'delete-policy',
  'unmanaged-policy',
] as const;
export type ChangeAction = (typeof ACTION_ORDER)[number];

const ChangeTargetSchema = z.strictObject({
  type: TargetTypeSchema,
  id: z.string(),
  name: z.string(),
  path: z.string(),
});
export type ChangeTarget = z.output<typeof ChangeTargetSchema>;

const ChangeSchema = z.strictObject({
  action: z.enum(ACTION_ORDER),
  /** Policy name (absent for enable-policy-type). */
  policy: z.string().optional(),
  /** Absent when the policy does not exist yet. */
  policyId: z.string().optional(),
  target: ChangeTargetSchema.optional(),
  detail: z.string(),
  /** Rendered document, for create/adopt/update. */
  content: z.string().optional(),
  /** Policy description, for create/adopt/update. */
  description: z.string().optional(),
});
export type Change = z.output<typeof ChangeSchema>;

/** The account and service a per-account row is about (the account's path is its OU's, as in OrgNode). */
const accountService = {
  accountId: z.string(),
  accountName: z.string(),
  path: z.string(),
  service: z.string(),
};

const EffectiveChangeSchema = z.strictObject({
  ...accountService,
  from: ResolvedSettingSchema,
  to: ResolvedSettingSchema,
});
export type EffectiveChange = z.output<typeof EffectiveChangeSchema>;

const ViolationSchema = z.strictObject({
  ...accountService,
  expected: z.literal('optOut'),
  actual: ResolvedSettingSchema,
  /** `policyId@nodeId` of the policy that decides the value, or `none` when nothing sets it. */
  cause: z.string(),
  /** The same in words: `sandbox-optin on Root/Sandbox`. */
  causeDetail: z.string(),
});
export type Violation = z.output<typeof ViolationSchema>;

const PlanWarningSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  policyId: z.string().optional(),
  nodeId: z.string().optional(),
});
export type PlanWarning = z.output<typeof PlanWarningSchema>;

/** The plan as the report publishes it: all of it but the per-node figures of the tree views. */
export const PublishedPlanSchema = z.strictObject({
  mode: ModeSchema,
  organization: z.strictObject({ id: z.string(), rootId: z.string(), managementAccountId: z.string() }),
  verdict: VerdictSchema,
  summary: z.string().min(1),
  changes: z.array(ChangeSchema),
  effectiveChanges: z.array(EffectiveChangeSchema),
  violations: z.array(ViolationSchema),
  accounts: z.strictObject({
    total: z.number().int().nonnegative(),
    compliant: z.number().int().nonnegative(),
    nonCompliant: z.number().int().nonnegative(),
  }),
  warnings: z.array(PlanWarningSchema),
});

/**
 * What a pull request itself changes (`plan --base-config`): the head plan against the base plan on the
 * same organization. `changes` and `violations`: the head's that the base does not have; each effective
 * change goes from what the base would leave (after its apply) to what the head would, so drift that
 * both would fix, or both leave, is not in it.
 */
export const PullRequestSchema = z.strictObject({
  /** One line a reviewer reads first: `this pull request opts 4 accounts in to lex`. */
  summary: z.string().min(1),
  /** The desired-state file at the pull request's base. */
  baseConfig: z.string().min(1),
  changes: z.array(ChangeSchema),
  effectiveChanges: z.array(EffectiveChangeSchema),
  violations: z.array(ViolationSchema),
});
export type PullRequestPart = z.output<typeof PullRequestSchema>;

/** Where the organization came from when it was not read live: the snapshot and when it was captured. */
export const SnapshotInfoSchema = z.strictObject({
  capturedAt: z.string().min(1),
  /** A file path or an `s3://bucket/key` URL. */
  source: z.string().min(1),
});
export type SnapshotInfo = z.output<typeof SnapshotInfoSchema>;

/** Per root/OU figures for the text and markdown tree views (not in the JSON report). */
export interface NodeSummary {
  id: string;
  name: string;
  path: string;
  parentId: string | undefined;
  /** Accounts directly in this node. */
  accounts: number;
  nonCompliant: number;
}

export interface Plan extends z.output<typeof PublishedPlanSchema> {
  nodes: NodeSummary[];
  /** Set by the CLI for `plan --base-config`: what the pull request changes. */
  pullRequest?: PullRequestPart;
  /** Set by the CLI for `plan --snapshot`: the snapshot planned against. */
  snapshot?: SnapshotInfo;
}
