/**
 * The values of the project's public interfaces, each defined once: modes, failOn, the verdict, the
 * pipeline job's output variables, the policy type, the state bucket's layout, id and ARN patterns.
 * The runtime (lambdas/, bin/) and the CDK constructs (lib/) both import them, so the stack that deploys
 * and the code that runs cannot disagree. Pure values and zod enums, no behaviour.
 */
import { z } from 'zod';

/** audit: read and report; enforce: also repair, writing only AI opt-out policies. */
export const ModeSchema = z.enum(['audit', 'enforce']);
export type Mode = z.output<typeof ModeSchema>;
export const MODES = ModeSchema.options;

/** When the pipeline job fails: on any drift, only on violations of `expect`, or never. */
export const FailOnSchema = z.enum(['drift', 'violations', 'never']);
export type FailOn = z.output<typeof FailOnSchema>;

/** What to do with AI opt-out policies this tool does not own. */
export const UnmanagedHandlingSchema = z.enum(['report', 'detach', 'ignore']);
export type UnmanagedHandling = z.output<typeof UnmanagedHandlingSchema>;

export const VerdictSchema = z.enum(['in-sync', 'drift']);
export type Verdict = z.output<typeof VerdictSchema>;

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

export const AI_POLICY_TYPE = 'AISERVICES_OPT_OUT_POLICY';

/** Key prefix of the pipeline function's own objects in its state bucket (the pipeline's artifact bucket). */
export const STATE_PREFIX = 'ai-optout/';
/** One claim per CodePipeline job id: duplicate-delivery protection. */
export const JOB_CLAIMS_PREFIX = `${STATE_PREFIX}jobs/`;
/** Progress of a run that continues in another invocation. */
export const CONTINUATIONS_PREFIX = `${STATE_PREFIX}continuations/`;
/** The latest finished run, at stable keys: its reports, and the desired state it checked (the Config rule reads it). */
export const LATEST_RUN_PREFIX = `${STATE_PREFIX}latest/`;
export const LATEST_RUN_FILES = {
  html: 'report.html',
  json: 'report.json',
  desiredState: 'ai-optout.yaml',
} as const;

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An IAM role ARN in any partition (aws, aws-cn, aws-us-gov, the isolated ones). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
export const ROLE_ARN_EXAMPLE = 'arn:aws:iam::111122223333:role/ai-optout';
