/**
 * The reconciler Lambda: the pipeline-job handler's bundle (lib/lambda-bundles.ts) on the newest Node.js runtime (bundled-function.ts), arm64,
 * its own log group, no async retries, one concurrent execution, and a role that can do exactly what
 * its mode needs: read for audit; plus writes limited to AI opt-out policies for enforce; or, with a
 * management-account role, nothing but assuming that role.
 */
import {
  type CfnElement,
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  type aws_logs as logs,
  Stack,
  type aws_s3 as s3,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MODES, type Mode, ROLE_ARN_PATTERN, STATE_PREFIX } from '../lambdas/domain/contract.ts';
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
  ORGANIZATIONS_WILDCARD_REASON,
  organizationsStatements,
  securityHubStatements,
} from './permissions.ts';
import { stackNames } from './stack-names.ts';

/** Role names start with this, so a management-account role can trust them by name. */
const RECONCILER_ROLE_PREFIX = stackNames().reconcilerRolePrefix;

export interface ReconcilerFunctionProps {
  /** audit: read-only; enforce: adds writes limited to AI opt-out policies. Sets AI_OPTOUT_MODE_CEILING. */
  readonly mode: Mode;
  /** Assume this role for Organizations calls; the function then gets only sts:AssumeRole on it. */
  readonly managementRoleArn?: string;
  /** Bucket (normally the pipeline's artifact bucket) for job claims (duplicate-delivery protection) and continuation state. */
  readonly stateBucket?: s3.IBucket;
  /** Default 14 minutes: under Lambda's 15 and CodePipeline's 20-minute no-reply limit. */
  readonly timeout?: Duration;
  /** Default one year. */
  readonly logRetention?: logs.RetentionDays;
  /** The role is named `<roleNamePrefix>-<region>`. Default {@link RECONCILER_ROLE_PREFIX}. */
  readonly roleNamePrefix?: string;
  /** Import findings into Security Hub (AI_OPTOUT_SECURITY_HUB=true, and the grants for its own findings). Default false. */
  readonly securityHub?: boolean;
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
  const timeout = props.timeout ?? Duration.minutes(14);
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
    this.logGroup = functionLogGroup(this, props.logRetention);
    this.role = functionRole(this, this.logGroup, {
      roleName: `${props.roleNamePrefix ?? RECONCILER_ROLE_PREFIX}-${Stack.of(this).region}`,
      description: `ai-optout reconciler (${props.mode})`,
    });
    this.grantOrganizations(props);
    this.function = bundledFunction(this, 'Function', 'pipeline-job', {
      memorySize: 512,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      retryAttempts: 0,
      reservedConcurrentExecutions: 1,
      description: `ai-optout: reconciles AI services opt-out policies for CodePipeline (${props.mode})`,
      environment: {
        AI_OPTOUT_MODE_CEILING: props.mode,
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.stateBucket ? { AI_OPTOUT_STATE_BUCKET: props.stateBucket.bucketName } : {}),
        ...(props.stateBucket?.encryptionKey
          ? { AI_OPTOUT_STATE_KEY_ARN: props.stateBucket.encryptionKey.keyArn }
          : {}),
        ...(props.securityHub ? { AI_OPTOUT_SECURITY_HUB: 'true' } : {}),
      },
    });
    if (props.stateBucket) this.grantStateBucket(props.stateBucket);
    if (props.securityHub) for (const statement of securityHubStatements()) this.role.addToPolicy(statement);
    this.acknowledgeFindings(props.stateBucket);
  }

  /** Organizations as the mode needs it, or only the management-account role to assume. */
  private grantOrganizations(props: ReconcilerFunctionProps): void {
    if (!props.managementRoleArn) {
      for (const statement of organizationsStatements(props.mode)) this.role.addToPolicy(statement);
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
        resources: [bucket.arnForObjects(`${STATE_PREFIX}*`)],
      }),
    );
    bucket.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  /** cdk-nag's wildcard findings on the role, each acknowledged with its reason. */
  private acknowledgeFindings(stateBucket: s3.IBucket | undefined): void {
    acknowledgeOrganizationsWildcards(
      this.role,
      `${ORGANIZATIONS_WILDCARD_REASON} codepipeline:PutJobSuccessResult and PutJobFailureResult (granted by the invoke action) support no resource-level permissions.`,
    );
    acknowledgeLogStreams(this.role, this.logGroup);
    if (!stateBucket) return;
    const bucketId = Stack.of(this).getLogicalId(stateBucket.node.defaultChild as CfnElement);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${STATE_PREFIX}*]`,
      reason:
        'Job claims and continuation state are one object per CodePipeline job id, known only at run time, and the latest run keeps its reports under latest/; the grant is limited to this prefix and to GetObject/PutObject.',
    });
  }
}
