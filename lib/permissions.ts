/**
 * The IAM the reconciler needs, in one place (docs/permissions.md shows the same statements, and a test
 * keeps them equal): read-only for audit; for enforce, writes limited to AI opt-out policies by the
 * `organizations:PolicyType` condition.
 */
import { aws_iam as iam } from 'aws-cdk-lib';

export const POLICY_TYPE_CONDITION = {
  StringEquals: { 'organizations:PolicyType': 'AISERVICES_OPT_OUT_POLICY' },
};

/** Hierarchy reads: these actions do not support the organizations:PolicyType key. */
export const HIERARCHY_READ_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
];

export const POLICY_READ_ACTIONS = [
  'organizations:ListPolicies',
  'organizations:DescribePolicy',
  'organizations:ListTargetsForPolicy',
  'organizations:ListTagsForResource',
];

export const POLICY_WRITE_ACTIONS = [
  'organizations:EnablePolicyType',
  'organizations:CreatePolicy',
  'organizations:UpdatePolicy',
  'organizations:DeletePolicy',
  'organizations:AttachPolicy',
  'organizations:DetachPolicy',
  'organizations:TagResource',
];

export type AccessMode = 'audit' | 'enforce';

export function organizationsStatements(mode: AccessMode): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadOrganizationHierarchy',
      actions: HIERARCHY_READ_ACTIONS,
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadAiOptOutPolicies',
      actions: POLICY_READ_ACTIONS,
      resources: ['*'],
      conditions: POLICY_TYPE_CONDITION,
    }),
  ];
  if (mode === 'enforce') {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteAiOptOutPoliciesOnly',
        actions: POLICY_WRITE_ACTIONS,
        resources: ['*'],
        conditions: POLICY_TYPE_CONDITION,
      }),
    );
  }
  return statements;
}

/** Why the Organizations statements use `*`, for cdk-nag acknowledgements. */
export const ORGANIZATIONS_WILDCARD_REASON =
  'Organizations list and describe actions have no resource-level scope, and the policy ids of AI opt-out policies are not known before they exist; every policy action is limited to AISERVICES_OPT_OUT_POLICY by the organizations:PolicyType condition, and the hierarchy reads return only names and ids.';
