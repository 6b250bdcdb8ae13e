/**
 * The role the reconciler assumes in the management account, when the pipeline runs in another account
 * (an LZA external pipeline deployment). Same least privilege as the function would have: read for
 * audit; plus writes limited to AI opt-out policies for enforce; Amazon Bedrock policies and the
 * management account's guardrails only with `bedrockPolicies`. Trusted only by the reconciler
 * function's role in the pipeline account: that one role's ARN (`<prefix>-<region>`), as a condition on
 * aws:PrincipalArn rather than as the principal, so the trust needs no deploy order (a role principal
 * must exist when the trust policy is written) and no other role of the account, whatever its name,
 * is trusted.
 */
import { Aws, CfnOutput, Duration, aws_iam as iam, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Mode } from '../lambdas/domain/contract.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { assertAiOptOutApplies } from './partition-guard.ts';
import { acknowledgeOrganizationsWildcards, organizationsStatements } from './permissions.ts';
import { stackNames } from './stack-names.ts';

function managementRoleName(mode: Mode, qualifier?: string): string {
  return stackNames(qualifier).managementRoleName(mode);
}

export function managementRoleArnFor(accountId: string, mode: Mode, qualifier?: string): string {
  return `arn:${Aws.PARTITION}:iam::${accountId}:role/${managementRoleName(mode, qualifier)}`;
}

export interface ManagementRoleStackProps extends StackProps {
  readonly mode: Mode;
  /** The account whose reconciler function may assume this role. */
  readonly pipelineAccountId: string;
  /** The LZA qualifier of the pipeline stack: the role name and the trusted role name carry it. @default - none */
  readonly qualifier?: string;
  /**
   * The region the pipeline stack is deployed to: the reconciler role's name ends with it.
   * @default the region this stack is deployed to
   */
  readonly pipelineRegion?: string;
  /**
   * Amazon Bedrock policies too: read (and in enforce written), with the guardrail reads of their
   * pre-flight; the pipeline's `bedrockPolicies` must match.
   * @default false
   */
  readonly bedrockPolicies?: boolean;
}

/** The reconciler role of the pipeline stack in `account` and `region` (lib/reconciler-function.ts names it). */
export function reconcilerRoleArnFor(account: string, region: string, qualifier?: string): string {
  return `arn:${Aws.PARTITION}:iam::${account}:role/${stackNames(qualifier).reconcilerRolePrefix}-${region}`;
}

export class ManagementRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ManagementRoleStackProps) {
    super(scope, id, props);
    pinFeatureFlags(this);
    assertAiOptOutApplies(this, 'ManagementRoleStack');
    if (!/^\d{12}$/.test(props.pipelineAccountId)) {
      throw new Error(
        `ManagementRoleStack: pipelineAccountId must be a 12-digit account id, not ${props.pipelineAccountId}`,
      );
    }
    const region = props.pipelineRegion ?? this.region;
    if (!Token.isUnresolved(region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      throw new Error(
        `ManagementRoleStack: pipelineRegion must be a region such as eu-west-1, not ${region}`,
      );
    }
    const names = stackNames(props.qualifier);
    const grant = { bedrockPolicies: props.bedrockPolicies ?? false };
    const managed = grant.bedrockPolicies
      ? 'AI services opt-out and Amazon Bedrock policies'
      : 'AI services opt-out policies';
    this.role = new iam.Role(this, 'Role', {
      roleName: names.managementRoleName(props.mode),
      description: `ai-optout ${props.mode}: ${managed}, for the pipeline in ${props.pipelineAccountId}`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.AccountPrincipal(props.pipelineAccountId).withConditions({
        ArnEquals: {
          'aws:PrincipalArn': reconcilerRoleArnFor(props.pipelineAccountId, region, props.qualifier),
        },
      }),
      inlinePolicies: {
        AiOptOut: new iam.PolicyDocument({ statements: organizationsStatements(props.mode, grant) }),
      },
    });
    acknowledgeOrganizationsWildcards(this.role, grant);
    new CfnOutput(this, 'RoleArn', { value: this.role.roleArn });
  }
}
