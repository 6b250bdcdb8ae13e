/**
 * What AWS would print as an account's Bedrock effective policy, read from moto's organization as it
 * is at the call (tests write to it between calls): the one Bedrock policy attached to the account or to
 * a node above it, its inheritance operators removed, as AWS prints an effective policy; no effective
 * policy when none is attached. An independent stand-in for DescribeEffectivePolicy on BEDROCK_POLICY
 * (moto has none), kept to the one-policy case the tests build, and a test error beyond it, so that it
 * never quietly agrees with the code under test.
 */
import {
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
// moto holds the proxy's BEDROCK_POLICY policies as this type.
import { STAND_IN_TYPE } from './policy-type-stand-in.ts';

/** `(accountId) => printed document | null`, for `EffectivePolicyModel.bedrockRule`. */
export function bedrockAnswerFromMoto(admin: OrganizationsClient) {
  return async (accountId: string): Promise<string | null> => {
    const attached: string[] = [];
    for (let node: string | undefined = accountId; node; node = await parentOf(admin, node)) {
      const listed = await admin.send(
        new ListPoliciesForTargetCommand({ TargetId: node, Filter: STAND_IN_TYPE }),
      );
      attached.push(...(listed.Policies ?? []).map((p) => p.Id as string));
    }
    if (attached.length === 0) return null;
    if (attached.length > 1)
      throw new Error(
        `the test's AWS stand-in prints one Bedrock policy; ${accountId} has ${attached.length}`,
      );
    const described = await admin.send(new DescribePolicyCommand({ PolicyId: attached[0] }));
    return JSON.stringify(withoutOperators(JSON.parse(described.Policy?.Content ?? '{}')));
  };
}

async function parentOf(admin: OrganizationsClient, child: string): Promise<string | undefined> {
  if (child.startsWith('r-')) return undefined;
  const parents = await admin.send(new ListParentsCommand({ ChildId: child }));
  return parents.Parents?.[0]?.Id;
}

/** `{"@@assign": v}` is v; other `@@` keys (the child-control operators) are not printed. */
function withoutOperators(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  const assigned = entries.find(([key]) => key === '@@assign');
  if (assigned) return withoutOperators(assigned[1]);
  return Object.fromEntries(
    entries.filter(([key]) => !key.startsWith('@@')).map(([key, v]) => [key, withoutOperators(v)]),
  );
}
