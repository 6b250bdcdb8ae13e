/**
 * The role the reconciler assumes in the management account, when the pipeline runs in another account
 * (an LZA external pipeline deployment). Same least privilege as the function would have: read for
 * audit; plus writes limited to AI opt-out policies for enforce. Trusted only by the reconciler
 * function's role in the pipeline account.
 */
import { Aws, CfnOutput, Duration, aws_iam as iam, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type AccessMode, ORGANIZATIONS_WILDCARD_REASON, organizationsStatements } from './permissions.ts';
import { RECONCILER_ROLE_PREFIX } from './reconciler-function.ts';

export function managementRoleName(mode: AccessMode): string {
  return `ai-optout-${mode}`;
}

export function managementRoleArnFor(accountId: string, mode: AccessMode): string {
  return `arn:${Aws.PARTITION}:iam::${accountId}:role/${managementRoleName(mode)}`;
}

export interface ManagementRoleStackProps extends StackProps {
  readonly mode: AccessMode;
  /** The account whose reconciler function may assume this role. */
  readonly pipelineAccountId: string;
}

export class ManagementRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ManagementRoleStackProps) {
    super(scope, id, props);
    if (!/^\d{12}$/.test(props.pipelineAccountId)) {
      throw new Error(
        `ManagementRoleStack: pipelineAccountId must be a 12-digit account id, not ${props.pipelineAccountId}`,
      );
    }
    this.role = new iam.Role(this, 'Role', {
      roleName: managementRoleName(props.mode),
      description: `ai-optout ${props.mode}: AI services opt-out policies, for the pipeline in ${props.pipelineAccountId}`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.AccountPrincipal(props.pipelineAccountId).withConditions({
        ArnLike: {
          'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${props.pipelineAccountId}:role/${RECONCILER_ROLE_PREFIX}-*`,
        },
      }),
      inlinePolicies: {
        AiOptOut: new iam.PolicyDocument({ statements: organizationsStatements(props.mode) }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: ORGANIZATIONS_WILDCARD_REASON,
    });
    new CfnOutput(this, 'RoleArn', { value: this.role.roleArn });
  }
}
