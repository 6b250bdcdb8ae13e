/**
 * The values of the project's public interfaces, each defined once: modes, failOn, the verdict, the
 * pipeline job's output variables, id and ARN patterns (the state bucket's layout is
 * lambdas/runtime/state-bucket.ts; the policy type's names are its module's, lambdas/domain/policy-types/).
 * The runtime (lambdas/, bin/) and the CDK constructs (lib/) both import them, so the stack that deploys
 * and the code that runs cannot disagree. Plain values, no behaviour and no imports: the CLI's --help
 * reads them without loading zod (contract-schemas.ts holds their zod enums).
 */

/** audit: read and report; enforce: also repair, writing only AI opt-out policies. */
export const MODES = ['audit', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

/** When the pipeline job fails: on any drift, only on violations of `expect`, or never. */
export const FAIL_ON = ['drift', 'violations', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** What to do with AI opt-out policies this tool does not own. */
export const UNMANAGED_HANDLINGS = ['report', 'detach', 'ignore'] as const;
export type UnmanagedHandling = (typeof UNMANAGED_HANDLINGS)[number];

/**
 * How much of the local effective-policy computation is checked against AWS's DescribeEffectivePolicy:
 * one account per distinct effective state (default), every account, or nothing.
 */
export const VERIFY_SCOPES = ['states', 'all', 'none'] as const;
export type Verify = (typeof VERIFY_SCOPES)[number];
export const DEFAULT_VERIFY: Verify = 'states';

export const VERDICTS = ['in-sync', 'drift'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The output variables of the pipeline job's action (`#{<namespace>.VERDICT}` …), all strings. */
export const OUTPUT_VARIABLES = [
  'VERDICT',
  'CHANGES',
  'VIOLATIONS',
  'EFFECTIVE_CHANGES',
  'ACCOUNTS',
  'MODE',
] as const;
export type OutputVariable = (typeof OUTPUT_VARIABLES)[number];

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role ARN in any partition (aws, aws-cn, aws-us-gov, the isolated ones). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
export const ROLE_ARN_EXAMPLE = 'arn:aws:iam::111122223333:role/ai-optout';
