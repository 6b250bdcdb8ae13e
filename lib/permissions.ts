/**
 * The IAM the reconciler needs, in one place (docs/permissions.md shows the same statements, and a test
 * keeps them equal; test/lib/iam-simulation.test.ts proves them with an IAM simulator): read
 * for audit; for enforce, writes to policies of the managed type only.
 *
 * Facts from AWS's Service Authorization Reference for AWS Organizations [IAM-SAR-ORGANIZATIONS]:
 * - DescribeOrganization, ListRoots, ListAccounts and ListPolicies have no resource type: their Resource
 *   must be `*`. ListOrganizationalUnitsForParent, ListAccountsForParent and ListChildren take optional
 *   root and OU types, and none of these seven has a condition key except ListPolicies
 *   (organizations:PolicyType).
 * - DescribePolicy, ListTargetsForPolicy, CreatePolicy, UpdatePolicy and DeletePolicy act on the `policy`
 *   resource type (ListTagsForResource and TagResource on it too, when given a policy id), whose ARN
 *   carries the policy type: `arn:<partition>:organizations::<management account>:policy/o-<org id>/<policy type>/p-<id>`.
 *   These are scoped by that ARN [ORG-POLICY-ARN], so they hold whether or not AWS puts
 *   organizations:PolicyType in the request (the reference lists it for them at action level).
 * - DescribeEffectivePolicy and ListEffectivePolicyValidationErrors act on the `account` resource type
 *   (`arn:<partition>:organizations::<management account>:account/o-<org id>/<account id>`), and
 *   ListAccountsWithInvalidEffectivePolicy has no resource type (Resource `*`); all three list the
 *   organizations:PolicyType condition key, and each request names the policy type, so the condition
 *   limits them to effective policies of the managed type.
 * - AttachPolicy and DetachPolicy are also authorized on the target (`root`, `organizationalunit`,
 *   `account`), and EnablePolicyType on the `root`: there the organizations:PolicyType condition, which
 *   the reference lists for all three, is what limits them to policies of the managed type.
 */

import { Aws, aws_iam as iam, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Mode } from '../lambdas/domain/contract.ts';
import { AI_OPT_OUT_FACTS } from '../lambdas/domain/policy-types/ai-optout/facts.ts';
import { type PolicyTypeFacts, policyArnSegment } from '../lambdas/domain/policy-types/policy-type.ts';

/** The policy type the reconciler manages, whose name limits every grant below. */
const MANAGED_TYPE: PolicyTypeFacts = AI_OPT_OUT_FACTS;

const POLICY_TYPE_CONDITION = {
  StringEquals: { 'organizations:PolicyType': MANAGED_TYPE.organizationsType },
};

/** Hierarchy reads: no resource type to scope and no condition key (they return names and ids). */
export const HIERARCHY_READ_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListChildren',
  'organizations:ListAccounts',
];

/** No resource type: limited by the organizations:PolicyType condition. */
const LIST_POLICIES_ACTIONS = ['organizations:ListPolicies'];
/** On the policy resource type: limited by the policy ARN. */
const POLICY_ARN_READ_ACTIONS = [
  'organizations:DescribePolicy',
  'organizations:ListTargetsForPolicy',
  'organizations:ListTagsForResource',
];
/** AWS's own effective policies of accounts (the fidelity check): on the account, limited by the condition. */
const EFFECTIVE_POLICY_ACCOUNT_ACTIONS = [
  'organizations:DescribeEffectivePolicy',
  'organizations:ListEffectivePolicyValidationErrors',
];
/** No resource type: limited by the organizations:PolicyType condition. */
const INVALID_EFFECTIVE_POLICY_ACTIONS = ['organizations:ListAccountsWithInvalidEffectivePolicy'];
export const POLICY_READ_ACTIONS = [
  ...LIST_POLICIES_ACTIONS,
  ...POLICY_ARN_READ_ACTIONS,
  ...EFFECTIVE_POLICY_ACCOUNT_ACTIONS,
  ...INVALID_EFFECTIVE_POLICY_ACTIONS,
];

/** Authorized on the policy (by its ARN) and, for the two attachment actions, on the target too. */
const POLICY_ARN_WRITE_ACTIONS = [
  'organizations:CreatePolicy',
  'organizations:UpdatePolicy',
  'organizations:DeletePolicy',
  'organizations:TagResource',
  'organizations:AttachPolicy',
  'organizations:DetachPolicy',
];
const TARGET_WRITE_ACTIONS = ['organizations:AttachPolicy', 'organizations:DetachPolicy'];
const ROOT_WRITE_ACTIONS = ['organizations:EnablePolicyType'];
export const POLICY_WRITE_ACTIONS = [...ROOT_WRITE_ACTIONS, ...POLICY_ARN_WRITE_ACTIONS];

/** Where the Organizations resources live: the partition and the management account that owns them. */
interface OrganizationsScope {
  partition: string;
  managementAccount: string;
}

/** The stack's own partition and account: the management account, where the role calls Organizations. */
const OWN_ACCOUNT: OrganizationsScope = {
  partition: Aws.PARTITION,
  managementAccount: Aws.ACCOUNT_ID,
};

/** ARN patterns (o-* stands for the organization id, unknown before deployment). */
function organizationsArns(scope: OrganizationsScope) {
  const prefix = `arn:${scope.partition}:organizations::${scope.managementAccount}`;
  return {
    typePolicies: `${prefix}:policy/o-*/${policyArnSegment(MANAGED_TYPE)}/*`,
    roots: `${prefix}:root/o-*/r-*`,
    accounts: `${prefix}:account/o-*/*`,
    targets: [`${prefix}:root/o-*/r-*`, `${prefix}:ou/o-*/ou-*`, `${prefix}:account/o-*/*`],
  };
}

export function organizationsStatements(
  mode: Mode,
  scope: OrganizationsScope = OWN_ACCOUNT,
): iam.PolicyStatement[] {
  const arns = organizationsArns(scope);
  const type = MANAGED_TYPE.statementName;
  const statement = (sid: string, actions: string[], resources: string[], typed = false) =>
    new iam.PolicyStatement({
      sid,
      actions,
      resources,
      ...(typed ? { conditions: POLICY_TYPE_CONDITION } : {}),
    });
  const statements = [
    statement('ReadOrganizationHierarchy', HIERARCHY_READ_ACTIONS, ['*']),
    statement(`List${type}Policies`, LIST_POLICIES_ACTIONS, ['*'], true),
    statement(`Read${type}Policies`, POLICY_ARN_READ_ACTIONS, [arns.typePolicies]),
    statement(`ReadEffective${type}Policies`, EFFECTIVE_POLICY_ACCOUNT_ACTIONS, [arns.accounts], true),
    statement(`ListInvalidEffective${type}Policies`, INVALID_EFFECTIVE_POLICY_ACTIONS, ['*'], true),
  ];
  if (mode === 'enforce') {
    statements.push(
      statement(`Write${type}Policies`, POLICY_ARN_WRITE_ACTIONS, [arns.typePolicies]),
      statement(`Attach${type}PoliciesToTargets`, TARGET_WRITE_ACTIONS, arns.targets, true),
      statement(`Enable${type}PolicyType`, ROOT_WRITE_ACTIONS, [arns.roots], true),
    );
  }
  return statements;
}

/**
 * Security Hub, for the function's own findings only [IAM-SAR-SECURITYHUB]: BatchImportFindings acts on the `product` resource
 * (`…:product/<company>/<product id>`; a private product is `product/<account>/default`) and has the
 * condition key securityhub:TargetAccount, the findings' AwsAccountId; GetFindings acts on the `hub`
 * resource (`…:hub/default`).
 */
export function securityHubStatements(): iam.PolicyStatement[] {
  const own = `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
  return [
    new iam.PolicyStatement({
      sid: 'ImportOwnFindings',
      actions: ['securityhub:BatchImportFindings'],
      resources: [`${own}:product/${Aws.ACCOUNT_ID}/default`],
      conditions: { StringEquals: { 'securityhub:TargetAccount': Aws.ACCOUNT_ID } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadOwnFindings',
      actions: ['securityhub:GetFindings'],
      resources: [`${own}:hub/default`],
    }),
  ];
}

/** Why the Organizations statements use `*`, for cdk-nag acknowledgements. */
export const ORGANIZATIONS_WILDCARD_REASON = `DescribeOrganization, ListRoots, ListAccounts, ListPolicies and ListAccountsWithInvalidEffectivePolicy have no resource type in the Service Authorization Reference, so their Resource must be "*"; ListOrganizationalUnitsForParent, ListAccountsForParent and ListChildren read any root or OU of the hierarchy and return only names and ids (ListAccounts and ListAccountsForParent also e-mails and states); ListPolicies and ListAccountsWithInvalidEffectivePolicy are limited to ${MANAGED_TYPE.organizationsType} by the organizations:PolicyType condition.`;

const ARN_PATTERN_REASON = `${MANAGED_TYPE.noun} ids and the organization id exist only after deployment: the policy pattern names only ${MANAGED_TYPE.organizationsType} policies of this management account (the policy type is part of a policy's ARN); the root, OU and account patterns are attachment targets and the accounts whose effective policy is read, and those grants carry the organizations:PolicyType = ${MANAGED_TYPE.organizationsType} condition.`;

/**
 * Acknowledges the cdk-nag wildcard findings of organizationsStatements on `construct`: `Resource::*`
 * (with `wildcardReason`, which may add other `*` grants of the same role) and each ARN pattern.
 */
export function acknowledgeOrganizationsWildcards(
  construct: IConstruct,
  wildcardReason = ORGANIZATIONS_WILDCARD_REASON,
): void {
  const acknowledge = (finding: string, reason: string) =>
    Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
  acknowledge('*', wildcardReason);
  // cdk-nag names the pseudo parameters of a pattern as <AWS::Partition> and <AWS::AccountId>.
  const arns = organizationsArns({ partition: '<AWS::Partition>', managementAccount: '<AWS::AccountId>' });
  for (const pattern of new Set([arns.typePolicies, arns.roots, ...arns.targets]))
    acknowledge(pattern, ARN_PATTERN_REASON);
}
