/**
 * The reconciler Lambda: the pipeline-job handler bundled locally with esbuild for nodejs24.x on arm64,
 * its own log group, no async retries, one concurrent execution, and a role that can do exactly what
 * its mode needs: read for audit; plus writes limited to AI opt-out policies for enforce; or, with a
 * management-account role, nothing but assuming that role.
 */
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  Duration,
  aws_iam as iam,
  aws_logs as logs,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Stack,
  type aws_s3 as s3,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MODES, type Mode, ROLE_ARN_PATTERN, STATE_PREFIX } from '../lambdas/domain/contract.ts';
import { bundledFunctionProps } from './bundled-function.ts';
import { assertAiOptOutApplies } from './partition-guard.ts';
import {
  acknowledgeOrganizationsWildcards,
  ORGANIZATIONS_WILDCARD_REASON,
  organizationsStatements,
} from './permissions.ts';
import { stackNames } from './stack-names.ts';

const HANDLER_ENTRY = fileURLToPath(new URL('../lambdas/pipeline-job/handler.ts', import.meta.url));

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
}

export class ReconcilerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly mode: Mode;

  constructor(scope: Construct, id: string, props: ReconcilerFunctionProps) {
    super(scope, id);
    if (!MODES.includes(props.mode)) {
      throw new Error(`ReconcilerFunction: mode must be ${MODES.join(' or ')}, not ${String(props.mode)}`);
    }
    const arn = props.managementRoleArn;
    if (arn && !Token.isUnresolved(arn) && !ROLE_ARN_PATTERN.test(arn)) {
      throw new Error(
        `ReconcilerFunction: managementRoleArn ${props.managementRoleArn} is not an IAM role ARN`,
      );
    }
    assertAiOptOutApplies(this, 'ReconcilerFunction');
    const timeout = props.timeout ?? Duration.minutes(14);
    if (timeout.toSeconds() > 900)
      throw new Error('ReconcilerFunction: timeout cannot exceed 15 minutes (the Lambda limit)');
    this.mode = props.mode;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      roleName: `${props.roleNamePrefix ?? RECONCILER_ROLE_PREFIX}-${Stack.of(this).region}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `ai-optout reconciler (${props.mode})`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:*`],
      }),
    );
    if (props.managementRoleArn) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeManagementRole',
          actions: ['sts:AssumeRole'],
          resources: [props.managementRoleArn],
        }),
      );
    } else {
      for (const statement of organizationsStatements(props.mode)) this.role.addToPolicy(statement);
    }

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...bundledFunctionProps(HANDLER_ENTRY),
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
      },
    });
    if (props.stateBucket) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'JobClaimsAndContinuations',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [props.stateBucket.arnForObjects(`${STATE_PREFIX}*`)],
        }),
      );
      props.stateBucket.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
    }

    const stack = Stack.of(this);
    const logicalId = (resource: Construct | undefined) => stack.getLogicalId(resource as CfnElement);
    const acknowledge = (finding: string, reason: string) =>
      Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    acknowledgeOrganizationsWildcards(
      this.role,
      `${ORGANIZATIONS_WILDCARD_REASON} codepipeline:PutJobSuccessResult and PutJobFailureResult (granted by the invoke action) support no resource-level permissions.`,
    );
    acknowledge(
      `Resource::<${logicalId(this.logGroup.node.defaultChild ?? undefined)}.Arn>:*`,
      "The log streams of the function's own log group; stream names are chosen by Lambda at run time.",
    );
    if (props.stateBucket) {
      acknowledge(
        `Resource::<${logicalId(props.stateBucket.node.defaultChild ?? undefined)}.Arn>/${STATE_PREFIX}*`,
        'Job claims and continuation state are one object per CodePipeline job id, known only at run time; the grant is limited to this prefix and to GetObject/PutObject.',
      );
    }
  }
}
