/**
 * The IAM the reconciler needs, in one place (docs/permissions.md shows the same statements, and a test
 * keeps them equal; test/lib/iam-simulation.test.ts proves them with an IAM simulator): read
 * for audit; for enforce, writes to policies of the managed types only. The managed types are AI services
 * opt-out policies, and Amazon Bedrock policies where a deployment turns them on (`bedrockPolicies`): a
 * deployment that never uses Bedrock holds no grant of that type.
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
 * Each managed type gets its own statements, named by the type, so no grant of one type reaches the other.
 *
 * Amazon Bedrock policies add the guardrail reads of their pre-flight [IAM-SAR-BEDROCK]: GetGuardrail acts
 * on the `guardrail` resource type (`arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`), and so
 * does GetResourcePolicy when given a guardrail's ARN; neither has a condition key. The pre-flight reads
 * only guardrails the management account owns, in any Region, so the grant names that account's
 * guardrails and nothing else. The type's ARN segment and organizations:PolicyType value come from its
 * facts, read the way AWS writes them for other types: AWS's pages show neither for this type
 * [ORG-BEDROCK-IAM-VALUES].
 */

import { Aws, aws_iam as iam, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Mode } from '../lambdas/domain/contract.ts';
import { AI_OPT_OUT_FACTS } from '../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_FACTS } from '../lambdas/domain/policy-types/bedrock/facts.ts';
import { type PolicyTypeFacts, policyArnSegment } from '../lambdas/domain/policy-types/policy-type.ts';

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

/** The pre-flight's reads of a guardrail (reads in audit too: the plan shows the checks). */
export const GUARDRAIL_READ_ACTIONS = ['bedrock:GetGuardrail', 'bedrock:GetResourcePolicy'];

/** Where the Organizations resources live: the partition and the management account that owns them. */
export interface OrganizationsScope {
  partition: string;
  managementAccount: string;
}

/** The stack's own partition and account: the management account, where the role calls Organizations. */
const OWN_ACCOUNT: OrganizationsScope = {
  partition: Aws.PARTITION,
  managementAccount: Aws.ACCOUNT_ID,
};

/** What a role is granted besides its mode. */
export interface GrantOptions {
  /** Amazon Bedrock policies too: their reads (and writes in enforce) and the guardrail reads. @default false */
  readonly bedrockPolicies?: boolean;
  /** @default the stack's own partition and account */
  readonly scope?: OrganizationsScope;
}

/** The policy types a role manages: AI opt-out always, Bedrock policies when asked for. */
export function managedTypes(options: GrantOptions = {}): PolicyTypeFacts[] {
  return options.bedrockPolicies ? [AI_OPT_OUT_FACTS, BEDROCK_FACTS] : [AI_OPT_OUT_FACTS];
}

/** ARN patterns (o-* stands for the organization id, unknown before deployment). */
function organizationsArns(scope: OrganizationsScope) {
  const prefix = `arn:${scope.partition}:organizations::${scope.managementAccount}`;
  return {
    typePolicies: (type: PolicyTypeFacts) => `${prefix}:policy/o-*/${policyArnSegment(type)}/*`,
    roots: `${prefix}:root/o-*/r-*`,
    accounts: `${prefix}:account/o-*/*`,
    targets: [`${prefix}:root/o-*/r-*`, `${prefix}:ou/o-*/ou-*`, `${prefix}:account/o-*/*`],
    /** The management account's guardrails, in every Region (a policy may enforce one per Region). */
    guardrails: `arn:${scope.partition}:bedrock:*:${scope.managementAccount}:guardrail/*`,
  };
}

function statement(sid: string, actions: string[], resources: string[], type?: PolicyTypeFacts) {
  return new iam.PolicyStatement({
    sid,
    actions,
    resources,
    ...(type ? { conditions: { StringEquals: { 'organizations:PolicyType': type.organizationsType } } } : {}),
  });
}

/** One type's reads, and in enforce its writes: each limited to that type by its ARN or the condition. */
function typeStatements(
  type: PolicyTypeFacts,
  mode: Mode,
  arns: ReturnType<typeof organizationsArns>,
): iam.PolicyStatement[] {
  const name = type.statementName;
  const policies = arns.typePolicies(type);
  const reads = [
    statement(`List${name}Policies`, LIST_POLICIES_ACTIONS, ['*'], type),
    statement(`Read${name}Policies`, POLICY_ARN_READ_ACTIONS, [policies]),
    statement(`ReadEffective${name}Policies`, EFFECTIVE_POLICY_ACCOUNT_ACTIONS, [arns.accounts], type),
    statement(`ListInvalidEffective${name}Policies`, INVALID_EFFECTIVE_POLICY_ACTIONS, ['*'], type),
  ];
  if (mode === 'audit') return reads;
  return [
    ...reads,
    statement(`Write${name}Policies`, POLICY_ARN_WRITE_ACTIONS, [policies]),
    statement(`Attach${name}PoliciesToTargets`, TARGET_WRITE_ACTIONS, arns.targets, type),
    statement(`Enable${name}PolicyType`, ROOT_WRITE_ACTIONS, [arns.roots], type),
  ];
}

/**
 * Everything a session with the organization needs in `mode`: the hierarchy reads, each managed type's
 * statements, and with Bedrock policies the guardrail reads of their pre-flight.
 */
export function organizationsStatements(mode: Mode, options: GrantOptions = {}): iam.PolicyStatement[] {
  const arns = organizationsArns(options.scope ?? OWN_ACCOUNT);
  return [
    statement('ReadOrganizationHierarchy', HIERARCHY_READ_ACTIONS, ['*']),
    ...managedTypes(options).flatMap((type) => typeStatements(type, mode, arns)),
    ...(options.bedrockPolicies
      ? [statement('ReadBedrockGuardrails', GUARDRAIL_READ_ACTIONS, [arns.guardrails])]
      : []),
  ];
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

/** The managed types' names, as a sentence lists them. */
export function managedTypeNames(options: GrantOptions = {}): string {
  return typeNames(managedTypes(options));
}

/** Types' Organizations names, as a sentence lists them. */
function typeNames(types: readonly PolicyTypeFacts[]): string {
  return types.map((type) => type.organizationsType).join(' and ');
}

/** Why the Organizations statements use `*`, for cdk-nag acknowledgements. */
export function organizationsWildcardReason(options: GrantOptions = {}): string {
  return `DescribeOrganization, ListRoots, ListAccounts, ListPolicies and ListAccountsWithInvalidEffectivePolicy have no resource type in the Service Authorization Reference, so their Resource must be "*"; ListOrganizationalUnitsForParent, ListAccountsForParent and ListChildren read any root or OU of the hierarchy and return only names and ids (ListAccounts and ListAccountsForParent also e-mails and states); ListPolicies and ListAccountsWithInvalidEffectivePolicy are limited to ${managedTypeNames(options)} by the organizations:PolicyType condition.`;
}

/** Why a policy pattern (one type's) or the target patterns (every managed type's) are acceptable. */
function arnPatternReason(types: readonly PolicyTypeFacts[]): string {
  const nouns = types.map((type) => type.noun).join(' and ');
  const names = typeNames(types);
  return `${nouns} ids and the organization id exist only after deployment: the policy pattern names only ${names} policies of this management account (the policy type is part of a policy's ARN); the root, OU and account patterns are attachment targets and the accounts whose effective policy is read, and those grants carry the organizations:PolicyType = ${names} condition.`;
}

const GUARDRAIL_PATTERN_REASON =
  "The guardrails a Bedrock policy enforces are named in the desired state, one per Region, and are known only at run time: the pattern names only this management account's guardrails (AWS requires the management account to own them), and grants only GetGuardrail and GetResourcePolicy, reads.";

/**
 * Acknowledges the cdk-nag wildcard findings of organizationsStatements on `construct`: `Resource::*`
 * (with `wildcardReason`, which may add other `*` grants of the same role) and each ARN pattern.
 */
export function acknowledgeOrganizationsWildcards(
  construct: IConstruct,
  options: GrantOptions & { wildcardReason?: string } = {},
): void {
  const acknowledge = (finding: string, reason: string) =>
    Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
  acknowledge('*', options.wildcardReason ?? organizationsWildcardReason(options));
  // cdk-nag names the pseudo parameters of a pattern as <AWS::Partition> and <AWS::AccountId>.
  const arns = organizationsArns({ partition: '<AWS::Partition>', managementAccount: '<AWS::AccountId>' });
  const types = managedTypes(options);
  for (const type of types) acknowledge(arns.typePolicies(type), arnPatternReason([type]));
  for (const pattern of new Set([arns.roots, ...arns.targets])) acknowledge(pattern, arnPatternReason(types));
  if (options.bedrockPolicies) acknowledge(arns.guardrails, GUARDRAIL_PATTERN_REASON);
}
