/**
 * PostLzaPipelineStack's props, typed, each optional one with its `@default`, and the one function that
 * fills in the defaults and refuses what cannot be deployed (with a sentence naming the prop and the
 * value). The `-c` deployment settings are turned into these props by lib/settings.ts.
 */
import { Duration } from 'aws-cdk-lib';
import type { FailOn, Mode, Verify } from '../lambdas/domain/contract.ts';
import { type ConfigSource, configSourceProblem } from './config-sources.ts';
import {
  DEFAULT_LZA_PREFIX,
  type LzaInstall,
  type LzaInstaller,
  lzaPipelineName,
  lzaPrefixProblem,
  lzaQualifierProblem,
  normalizeLzaPrefix,
} from './lza-names.ts';
import { RECONCILE_STAGE_DEFAULTS } from './reconcile-stage.ts';
import { RECONCILER_FUNCTION_DEFAULTS } from './reconciler-function.ts';
import { DEFAULT_SNAPSHOT_RETENTION_DAYS } from './state-bucket.ts';

/** The LZA install the pipeline follows. */
export interface LzaInstallProps {
  /** LZA's `AcceleratorPrefix`; LZA's names derive from it. @default 'AWSAccelerator' */
  readonly prefix?: string;
  /** LZA's `AcceleratorQualifier` (external deployment); every name of this stack carries it too. @default - none */
  readonly qualifier?: string;
  /** `pipeline`: LZA runs as a CodePipeline; `container`: as the SSM Automation document `<prefix>-RunEngine`. @default 'pipeline' */
  readonly installer?: LzaInstaller;
  /** The LZA pipeline whose success starts this one (not for the container installer). @default - `<prefix>-Pipeline`, or `<qualifier>-pipeline` */
  readonly pipelineName?: string;
}

/** Check the pull requests of a CodeCommit repository with a CodeBuild project (lib/pull-request-check.ts). */
export interface PullRequestChecks {
  readonly kind: 'codecommit';
  /** @default - the repository of the codecommit source */
  readonly repositoryName?: string;
}

export interface PostLzaPipelineProps {
  /** `audit`: the function's role can only read; `enforce`: it may also write AI opt-out policies. @default 'audit' */
  readonly mode?: Mode;
  /** When the reconcile stage fails: on any drift, only on violations of `expect`, or never. @default 'drift' */
  readonly failOn?: FailOn;
  /** Which effective states AWS confirms with DescribeEffectivePolicy. @default 'states' */
  readonly verify?: Verify;
  /** Where the desired state comes from. @default { kind: 'bundled' } */
  readonly source?: ConfigSource;
  /** Path of the desired state inside the source. @default 'ai-optout.yaml' */
  readonly configPath?: string;
  /** @default { prefix: 'AWSAccelerator', installer: 'pipeline' } */
  readonly lza?: LzaInstallProps;
  /** Assume this role in the management account instead of granting Organizations access to the function. @default - none */
  readonly managementRoleArn?: string;
  /** An e-mail address subscribed to the failure topic. @default - none */
  readonly notificationEmail?: string;
  /** The reconciler function's timeout, at most 15 minutes. @default Duration.minutes(14) */
  readonly functionTimeout?: Duration;
  /** How long the dated copies of the published snapshot are kept (the latest always is). @default Duration.days(90) */
  readonly snapshotRetention?: Duration;
  /** IAM principal ARNs (roles, users, account roots) that may read the published snapshot. @default [] */
  readonly snapshotReaders?: readonly string[];
  /** A GitHub repository (`owner/name`, or `owner@id/name@id`) whose pull-request workflows get a snapshot-reading role. @default - none */
  readonly githubRepository?: string;
  /** Create the account's GitHub OIDC provider instead of using the existing one. @default false */
  readonly createGithubOidcProvider?: boolean;
  /** @default - no pull-request check */
  readonly pullRequestChecks?: PullRequestChecks;
  /**
   * When to run besides after LZA: an EventBridge Scheduler expression in UTC, `rate(<n> <unit>)` or
   * `cron(<6 fields>)` [SCHEDULER-EXPRESSIONS], or `off`.
   * @default 'rate(1 day)'
   */
  readonly schedule?: string;
  /** Import a Security Hub finding per non-compliant account. @default false */
  readonly securityHub?: boolean;
  /** A periodic custom AWS Config rule that evaluates every account (management account only). @default false */
  readonly configRule?: boolean;
  /**
   * Manage Amazon Bedrock policies (a `bedrock:` section of the desired state) too: the roles read them
   * and, in enforce, write them, and read the management account's guardrails for the pre-flight. Off,
   * no role holds any grant of that type. A management-account role must be deployed with the same value.
   * @default false
   */
  readonly bedrockPolicies?: boolean;
}

/** The keys of PostLzaPipelineProps (told apart from StackProps' own). */
export const PIPELINE_PROP_KEYS = {
  mode: true,
  failOn: true,
  verify: true,
  source: true,
  configPath: true,
  lza: true,
  managementRoleArn: true,
  notificationEmail: true,
  functionTimeout: true,
  snapshotRetention: true,
  snapshotReaders: true,
  githubRepository: true,
  createGithubOidcProvider: true,
  pullRequestChecks: true,
  schedule: true,
  securityHub: true,
  configRule: true,
  bedrockPolicies: true,
} as const satisfies Record<keyof PostLzaPipelineProps, true>;

/**
 * The defaults of the props above that are not plain off switches; those of the stack's constructs are
 * theirs (one definition each), and the `-c` settings default to these too (lib/settings.ts).
 */
export const PIPELINE_DEFAULTS = {
  mode: 'audit',
  source: { kind: 'bundled' },
  lzaPrefix: DEFAULT_LZA_PREFIX,
  lzaInstaller: 'pipeline',
  schedule: 'rate(1 day)',
  snapshotRetention: Duration.days(DEFAULT_SNAPSHOT_RETENTION_DAYS),
  failOn: RECONCILE_STAGE_DEFAULTS.failOn,
  verify: RECONCILE_STAGE_DEFAULTS.verify,
  configPath: RECONCILE_STAGE_DEFAULTS.configPath,
  functionTimeout: RECONCILER_FUNCTION_DEFAULTS.timeout,
} as const;

/** `rate(1 day)`, `rate(12 hours)`, `cron(0 6 * * ? *)`, or `off`. */
export const SCHEDULE_PATTERN =
  /^(off|rate\(([1-9]\d{0,5}) (minute|minutes|hour|hours|day|days)\)|cron\(\S+( \S+){5}\))$/;
/** Who may be granted the published snapshot: an IAM role or user (any path), or an account root. */
export const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]+)$/;

/** The props that stay optional once resolved: their default is to leave something out. */
type OptionalProp = 'managementRoleArn' | 'notificationEmail' | 'githubRepository' | 'pullRequestChecks';

/** The props with every default filled in and the LZA install resolved. */
export interface ResolvedPipelineProps
  extends Required<Omit<PostLzaPipelineProps, 'lza' | OptionalProp>>,
    Pick<PostLzaPipelineProps, OptionalProp> {
  readonly lza: LzaInstall & { readonly pipelineName: string };
  readonly snapshotReaders: readonly string[];
}

function resolveLza(lza: LzaInstallProps = {}): ResolvedPipelineProps['lza'] {
  const install: LzaInstall = {
    prefix: normalizeLzaPrefix(lza.prefix ?? PIPELINE_DEFAULTS.lzaPrefix),
    qualifier: lza.qualifier,
    installer: lza.installer ?? PIPELINE_DEFAULTS.lzaInstaller,
  };
  return { ...install, pipelineName: lza.pipelineName ?? lzaPipelineName(install) };
}

/** The props with their defaults; throws one sentence naming the first prop that cannot be deployed. */
export function resolvePipelineProps(props: PostLzaPipelineProps): ResolvedPipelineProps {
  const problem = lzaProblem(props.lza ?? {}) ?? pipelinePropsProblem(props);
  if (problem) throw new Error(`PostLzaPipelineStack: ${problem}`);
  return {
    ...props,
    mode: props.mode ?? PIPELINE_DEFAULTS.mode,
    failOn: props.failOn ?? PIPELINE_DEFAULTS.failOn,
    verify: props.verify ?? PIPELINE_DEFAULTS.verify,
    source: props.source ?? PIPELINE_DEFAULTS.source,
    configPath: props.configPath ?? PIPELINE_DEFAULTS.configPath,
    lza: resolveLza(props.lza),
    functionTimeout: props.functionTimeout ?? PIPELINE_DEFAULTS.functionTimeout,
    snapshotRetention: props.snapshotRetention ?? PIPELINE_DEFAULTS.snapshotRetention,
    snapshotReaders: props.snapshotReaders ?? [],
    createGithubOidcProvider: props.createGithubOidcProvider ?? false,
    schedule: props.schedule ?? PIPELINE_DEFAULTS.schedule,
    securityHub: props.securityHub ?? false,
    configRule: props.configRule ?? false,
    bedrockPolicies: props.bedrockPolicies ?? false,
  };
}

function lzaProblem(lza: LzaInstallProps): string | undefined {
  const prefix = lza.prefix === undefined ? undefined : lzaPrefixProblem(lza.prefix);
  if (prefix) return `lza.prefix ${JSON.stringify(lza.prefix)}: ${prefix}`;
  const qualifier = lza.qualifier === undefined ? undefined : lzaQualifierProblem(lza.qualifier);
  if (qualifier) return `lza.qualifier ${JSON.stringify(lza.qualifier)}: ${qualifier}`;
  if (lza.installer === 'container' && lza.pipelineName)
    return `lza.pipelineName ${lza.pipelineName}: LZA's container installer runs no LZA pipeline (ai-optout follows the Automation document <prefix>-RunEngine): drop it`;
  return undefined;
}

/** The first prop (other than `lza`) that cannot be deployed, in a sentence, or undefined. */
function pipelinePropsProblem(props: PostLzaPipelineProps): string | undefined {
  const source = props.source ?? PIPELINE_DEFAULTS.source;
  const sourceProblem = configSourceProblem(source);
  if (sourceProblem) return sourceProblem;
  if (props.lza?.installer === 'container' && !['bundled', 'lza-s3'].includes(source.kind))
    return `source kind ${source.kind}: LZA's container installer keeps its configuration in S3 only: use lza-s3 (or bundled)`;
  // mode and managementRoleArn are checked by ReconcilerFunction, functionTimeout by it too.
  if (props.configRule && props.managementRoleArn)
    return 'configRule runs in the management account only, and the management-account role trusts the reconciler alone: drop configRule, or deploy the pipeline in the management account without managementRoleArn';
  if (props.schedule !== undefined && !SCHEDULE_PATTERN.test(props.schedule))
    return `schedule ${props.schedule}: use rate(<n> minutes|hours|days), cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) or off`;
  const reader = (props.snapshotReaders ?? []).find((arn) => !PRINCIPAL_ARN_PATTERN.test(arn));
  if (reader) return `snapshotReaders: ${reader} is not an IAM role, user or account-root ARN`;
  const checks = props.pullRequestChecks;
  if (checks && !(checks.repositoryName || source.kind === 'codecommit'))
    return 'pullRequestChecks needs the CodeCommit repository: use the codecommit source, or give pullRequestChecks.repositoryName';
  return undefined;
}
