/**
 * The plan's shapes. What the report publishes of a plan (report/schema.ts; docs/cli.md, `--format
 * json`) is written here once as zod schemas, and the plan's types are inferred from them, so the
 * plan and the report cannot disagree.
 */
import * as z from 'zod';
import { ModeSchema, VerdictSchema, VerifySchema } from '../contract-schemas.ts';
import { TargetTypeSchema } from '../model.ts';
import {
  BedrockEffectiveDocumentSchema,
  EffectiveDocumentSchema,
  ResolvedSettingSchema,
} from '../policy-types/version-1.ts';

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
  /** Extension: the policy's Organizations type, when it is not AI services opt-out. */
  policyType: z.string().optional(),
});
export type Change = z.output<typeof ChangeSchema>;

/** The account and service a per-account row is about (the account's path is its OU's, as in OrgNode). */
const accountService = {
  accountId: z.string(),
  accountName: z.string(),
  path: z.string(),
  service: z.string(),
  /** Extension: the Organizations type of the policies the row is about, when it is not AI services opt-out. */
  policyType: z.string().optional(),
};

/**
 * A setting's resolved value: for AI opt-out `optOut`, `optIn` or `unset`; a policy type with other values
 * (Bedrock: a guardrail identifier, a mode, a list of models as JSON) prints its own, `unset` when absent.
 */
const SettingValueSchema = z.union([ResolvedSettingSchema, z.string()]);

const EffectiveChangeSchema = z.strictObject({
  ...accountService,
  from: SettingValueSchema,
  to: SettingValueSchema,
});
export type EffectiveChange = z.output<typeof EffectiveChangeSchema>;

/** One of AWS's validation errors of an account's effective policy (ListEffectivePolicyValidationErrors). */
const AwsValidationErrorSchema = z.strictObject({
  errorCode: z.string(),
  errorMessage: z.string().optional(),
  pathToError: z.string().optional(),
  contributingPolicies: z.array(z.string()),
});
export type AwsValidationError = z.output<typeof AwsValidationErrorSchema>;

const ViolationSchema = z.strictObject({
  ...accountService,
  /** AI opt-out: `optOut`; another policy type says what it expects in its own words. */
  expected: z.union([z.literal('optOut'), z.string()]),
  actual: SettingValueSchema,
  /**
   * `policyId@nodeId` of the policy that decides the value, or `none` when nothing sets it;
   * `aws:<ErrorCode>` when AWS lists the account's effective policy as invalid.
   */
  cause: z.string(),
  /** The same in words: `sandbox-optin on Root/Sandbox`. */
  causeDetail: z.string(),
  /** Extension: present when AWS itself lists the account's effective policy as invalid. */
  awsValidation: AwsValidationErrorSchema.optional(),
});
export type Violation = z.output<typeof ViolationSchema>;

const PlanWarningSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  policyId: z.string().optional(),
  nodeId: z.string().optional(),
});
export type PlanWarning = z.output<typeof PlanWarningSchema>;

/** A policy on one node of an account's chain (the root, its OUs, the account itself). */
const ChainPolicySchema = z.strictObject({
  policyId: z.string(),
  policyName: z.string(),
  nodeId: z.string(),
  /** The node in words: `Root/Sandbox`, `prod-app (111122223333)`. */
  node: z.string(),
});

/** An effective state on which AWS's DescribeEffectivePolicy and the local computation disagree. */
const DisagreementSchema = z.strictObject({
  /** The state in words: the policies of the chain, root first. */
  state: z.string(),
  /** The account AWS was asked about. */
  accountId: z.string(),
  /** Accounts whose verdict AWS's answer decides (every account with this state). */
  accounts: z.number().int().positive(),
  /** The local computation, in AWS's printed form (of the state's policy type). */
  local: z.union([EffectiveDocumentSchema, BedrockEffectiveDocumentSchema]),
  /** AWS's `PolicyContent`, verbatim; empty when AWS has no effective policy (EffectivePolicyNotFound). */
  aws: z.string(),
  differences: z.array(z.strictObject({ service: z.string(), local: z.string(), aws: z.string() })),
  /** Set when AWS's document could not be read; the local state then stands. */
  error: z.string().optional(),
  policies: z.array(ChainPolicySchema),
  /** Extension: the Organizations type of the state's policies, when it is not AI services opt-out. */
  policyType: z.string().optional(),
});
export type Disagreement = z.output<typeof DisagreementSchema>;

/** Policies on one node that assign different values to a service, and the value AWS's answer shows. */
const SettledConflictSchema = z.strictObject({
  nodeId: z.string(),
  node: z.string(),
  service: z.string(),
  value: z.string(),
  /** The account whose effective policy showed it. */
  accountId: z.string(),
  candidates: z.array(z.strictObject({ policyId: z.string(), policyName: z.string(), value: z.string() })),
  /** Extension: the Organizations type of the policies, when it is not AI services opt-out. */
  policyType: z.string().optional(),
});
export type SettledConflict = z.output<typeof SettledConflictSchema>;

/** What AWS confirmed of the local effective-policy computation (report extension `fidelity`). */
export const FidelitySchema = z.strictObject({
  /** `--verify` (or the pipeline's `verify`) as asked. */
  verify: VerifySchema,
  /** Where the check came from: AWS, nothing (a snapshot has no AWS), or nothing (`verify: none`). */
  source: z.enum(['aws', 'snapshot', 'none']),
  summary: z.string().min(1),
  /** Distinct effective states among the accounts, the ones AWS was asked about, the ones it confirmed. */
  states: z.number().int().nonnegative(),
  checked: z.number().int().nonnegative(),
  confirmed: z.number().int().nonnegative(),
  /** DescribeEffectivePolicy calls made, and the most a run makes. */
  calls: z.number().int().nonnegative(),
  callLimit: z.number().int().positive().optional(),
  disagreements: z.array(DisagreementSchema),
  settledConflicts: z.array(SettledConflictSchema),
  /** Accounts AWS lists with an invalid effective policy (ListAccountsWithInvalidEffectivePolicy). */
  invalidAccounts: z.number().int().nonnegative(),
  /**
   * Accounts AWS listed with an invalid effective policy that had left the organization when their
   * validation errors were read (AccountNotFoundException): not members, so not violations.
   */
  leftOrganization: z.array(z.string()).optional(),
  /**
   * Extension: present when the plan holds more than one policy type (a `bedrock:` section). The figures
   * above are then the sums over the types (a state is one type's: an account has one of each), one
   * `callLimit` bounds the calls of all of them, and this lists each type's own figures.
   */
  byPolicyType: z
    .array(
      z.strictObject({
        /** The Organizations type, every one named (AI services opt-out's too). */
        policyType: z.string(),
        states: z.number().int().nonnegative(),
        checked: z.number().int().nonnegative(),
        confirmed: z.number().int().nonnegative(),
        calls: z.number().int().nonnegative(),
        invalidAccounts: z.number().int().nonnegative(),
      }),
    )
    .optional(),
});
export type Fidelity = z.output<typeof FidelitySchema>;
export type TypeFidelity = NonNullable<Fidelity['byPolicyType']>[number];

/** One guardrail version a plan would enforce, and its pre-flight (policy-types/bedrock/preflight.ts). */
const PreflightGuardrailSchema = z.strictObject({
  region: z.string(),
  guardrail: z.string(),
  version: z.number().int().positive(),
  /** The declared Bedrock policies that enforce it. */
  policies: z.array(z.string()),
  /** Absent when the checks were not run (a plan from a snapshot). */
  passed: z.boolean().optional(),
  checks: z.array(z.strictObject({ check: z.string(), ok: z.boolean(), detail: z.string() })),
});

/**
 * Extension: the pre-flight of every guardrail the plan's Bedrock policies would enforce, read from
 * Bedrock (`source: bedrock`) or not run (`source: none`: a plan from a snapshot reads nothing of Bedrock).
 * A guardrail that failed is a violation of each account that would enforce it.
 */
export const PreflightSchema = z.strictObject({
  source: z.enum(['bedrock', 'none']),
  summary: z.string().min(1),
  guardrails: z.array(PreflightGuardrailSchema),
});
export type Preflight = z.output<typeof PreflightSchema>;

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
  /** Extension: what AWS confirmed; absent when the caller did not ask (library use). */
  fidelity: FidelitySchema.optional(),
  /** Extension: the Bedrock guardrails' pre-flight; present when the file has a `bedrock:` section. */
  preflight: PreflightSchema.optional(),
});

/**
 * What a pull request itself changes (`plan --base-config`): the head plan against the base plan on the
 * same organization. `changes` and `violations`: the head's that the base does not have; each effective
 * change goes from what the base would leave (after its apply) to what the head would, so drift that
 * both would fix, or both leave, is not in it.
 */
export const PullRequestVerdictSchema = z.enum(['pass', 'review', 'fail']);
export type PullRequestVerdict = z.output<typeof PullRequestVerdictSchema>;

export const PullRequestSchema = z.strictObject({
  /** One line a reviewer reads first: `this pull request opts 4 accounts in to lex`. */
  summary: z.string().min(1),
  /** The desired-state file at the pull request's base. */
  baseConfig: z.string().min(1),
  /**
   * The check's verdict: `fail` (it adds violations of its own or its base's `expect`), `review` (a
   * person must approve it: see `humanReview`), `pass` (the check may approve it).
   */
  verdict: PullRequestVerdictSchema,
  /** Why a person must review it, one phrase each: `changes expect`, `opts 4 accounts in to lex`. */
  humanReview: z.array(z.string()),
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
  /**
   * Planned with a pull request's base `expect` (PlanOptions.baseExpect): the accounts the declared
   * policies alone would leave in breach of it once applied.
   */
  baseExpectViolations?: Violation[];
}
