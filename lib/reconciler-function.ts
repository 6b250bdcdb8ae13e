/**
 * The reconciler Lambda: the pipeline-job handler's bundle (lib/lambda-bundles.ts) on the newest Node.js runtime (bundled-function.ts), arm64,
 * its own log group, no async retries, one concurrent execution, and a role that can do exactly what
 * its mode needs: read for audit; plus writes limited to AI opt-out policies for enforce; or, with a
 * management-account role, nothing but assuming that role.
 */
import {
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
  Stack,
  type aws_s3 as s3,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MODES, type Mode, ROLE_ARN_PATTERN } from '../lambdas/domain/contract.ts';
import { writeVariables } from '../lambdas/runtime/environment.ts';
import { RECONCILER_VARIABLES } from '../lambdas/runtime/pipeline-job-environment.ts';
import {
  acknowledgeLogStreams,
  bundledFunction,
  functionLogGroup,
  functionRole,
} from './bundled-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { assertAiOptOutApplies } from './partition-guard.ts';
import {
  acknowledgeOrganizationsWildcards,
  organizationsStatements,
  organizationsWildcardReason,
  securityHubStatements,
} from './permissions.ts';
import { stackNames } from './stack-names.ts';
import { stateObjectsArn, stateObjectsFinding } from './state-bucket.ts';

/** The defaults of ReconcilerFunctionProps, each asserted by test/lib/reconciler-function.test.ts. */
export const RECONCILER_FUNCTION_DEFAULTS = {
  /** Under Lambda's 15 minutes and CodePipeline's 20-minute no-reply limit. */
  timeout: Duration.minutes(14),
  logRetention: logs.RetentionDays.ONE_YEAR,
  /** Role names start with this, so a management-account role can trust them by name. */
  roleNamePrefix: stackNames().reconcilerRolePrefix,
  securityHub: false,
  bedrockPolicies: false,
} as const;

export interface ReconcilerFunctionProps {
  /** audit: read-only; enforce: adds writes limited to AI opt-out policies. Sets AI_OPTOUT_MODE_CEILING. */
  readonly mode: Mode;
  /**
   * Assume this role for Organizations calls; the function then gets only sts:AssumeRole on it.
   * @default - none: the function's own role calls Organizations (it runs in the management account)
   */
  readonly managementRoleArn?: string;
  /**
   * Bucket (normally the pipeline's artifact bucket) for job claims (duplicate-delivery protection),
   * continuation state, the published snapshot and the latest run's reports.
   * @default - none: duplicate deliveries are not detected and a run must fit one invocation
   */
  readonly stateBucket?: s3.IBucket;
  /** @default Duration.minutes(14) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The role is named `<roleNamePrefix>-<region>`.
   * @default 'ai-optout-reconciler'
   */
  readonly roleNamePrefix?: string;
  /**
   * Import findings into Security Hub (AI_OPTOUT_SECURITY_HUB=true, and the grants for its own findings).
   * @default false
   */
  readonly securityHub?: boolean;
  /**
   * Manage Amazon Bedrock policies too: the role (or the management-account role it assumes, which must
   * grant the same) reads them and, in enforce, writes them, and reads the management account's
   * guardrails for their pre-flight. Sets AI_OPTOUT_BEDROCK_POLICIES; without it the job refuses a
   * `bedrock:` section before any call.
   * @default false
   */
  readonly bedrockPolicies?: boolean;
}

/** Refuses props that would deploy a function that cannot work, naming the bad value. */
function validateProps(props: ReconcilerFunctionProps): void {
  if (!MODES.includes(props.mode)) {
    throw new Error(`ReconcilerFunction: mode must be ${MODES.join(' or ')}, not ${String(props.mode)}`);
  }
  const arn = props.managementRoleArn;
  if (arn && !Token.isUnresolved(arn) && !ROLE_ARN_PATTERN.test(arn)) {
    throw new Error(
      `ReconcilerFunction: managementRoleArn ${props.managementRoleArn} is not an IAM role ARN`,
    );
  }
}

function timeoutOf(props: ReconcilerFunctionProps): Duration {
  const timeout = props.timeout ?? RECONCILER_FUNCTION_DEFAULTS.timeout;
  if (timeout.toSeconds() > 900)
    throw new Error('ReconcilerFunction: timeout cannot exceed 15 minutes (the Lambda limit)');
  return timeout;
}

export class ReconcilerFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly mode: Mode;

  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    super(scope, id);
    pinFeatureFlags(this);
    validateProps(props);
    assertAiOptOutApplies(this, 'ReconcilerFunction');
    const timeout = timeoutOf(props);
    this.mode = props.mode;
    this.logGroup = functionLogGroup(this, props.logRetention ?? RECONCILER_FUNCTION_DEFAULTS.logRetention);
    this.role = functionRole(this, this.logGroup, {
      roleName: `${props.roleNamePrefix ?? RECONCILER_FUNCTION_DEFAULTS.roleNamePrefix}-${Stack.of(this).region}`,
      description: `ai-optout reconciler (${props.mode})`,
    });
    this.grantOrganizations(props);
    const securityHub = props.securityHub ?? RECONCILER_FUNCTION_DEFAULTS.securityHub;
    this.function = bundledFunction(this, 'Function', 'pipeline-job', {
      memorySize: 512,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      retryAttempts: 0,
      reservedConcurrentExecutions: 1,
      description: `ai-optout: reconciles AI services opt-out policies for CodePipeline (${props.mode})`,
      environment: writeVariables(RECONCILER_VARIABLES, {
        modeCeiling: props.mode,
        stateBucket: props.stateBucket?.bucketName,
        stateKeyArn: props.stateBucket?.encryptionKey?.keyArn,
        securityHub,
        bedrockPolicies: this.grantOptions(props).bedrockPolicies,
      }),
    });
    if (props.stateBucket) this.grantStateBucket(props.stateBucket);
    if (securityHub) for (const statement of securityHubStatements()) this.role.addToPolicy(statement);
    this.acknowledgeFindings(props);
  }

  /** Organizations as the mode needs it, or only the management-account role to assume. */
  private grantOrganizations(props: ReconcilerFunctionProps): void {
    if (!props.managementRoleArn) {
      for (const statement of organizationsStatements(props.mode, this.grantOptions(props)))
        this.role.addToPolicy(statement);
      return;
    }
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeManagementRole',
        actions: ['sts:AssumeRole'],
        resources: [props.managementRoleArn],
      }),
    );
  }

  /** Job claims, continuation state and the latest run's reports: read and write under the state prefix only, and the bucket's key. */
  private grantStateBucket(bucket: s3.IBucket): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'JobClaimsAndContinuations',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [stateObjectsArn(bucket, 'all')],
      }),
    );
    bucket.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  private grantOptions(props: ReconcilerFunctionProps) {
    return { bedrockPolicies: props.bedrockPolicies ?? RECONCILER_FUNCTION_DEFAULTS.bedrockPolicies };
  }

  /** cdk-nag's wildcard findings on the role, each acknowledged with its reason. */
  private acknowledgeFindings(props: ReconcilerFunctionProps): void {
    const options = this.grantOptions(props);
    acknowledgeOrganizationsWildcards(this.role, {
      ...options,
      wildcardReason: `${organizationsWildcardReason(options)} codepipeline:PutJobSuccessResult and PutJobFailureResult (granted by the invoke action) support no resource-level permissions.`,
    });
    acknowledgeLogStreams(this.role, this.logGroup);
    const stateBucket = props.stateBucket;
    const finding = stateBucket && stateObjectsFinding(stateBucket, 'all');
    if (!finding) return;
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason:
        'Job claims and continuation state are one object per CodePipeline job id, known only at run time, and the latest run keeps its reports under latest/; the grant is limited to this prefix and to GetObject/PutObject.',
    });
  }
}
