/**
 * Runs AWS-style authorization of one request with @cloud-copilot/iam-simulate (AGPL; a devDependency,
 * used by tests only and never imported by lambdas/, lib/ or bin/).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { AuthorizationRequest } from './authorization-requests.ts';
import type { NamedPolicy } from './template-policies.ts';

export type Decision = 'allowed' | 'denied';

export interface Caller {
  principal: string;
  identityPolicies: NamedPolicy[];
}

/** The decision for `request` made by `caller` on a resource owned by `resourceAccount`. */
export async function decide(
  caller: Caller,
  request: Pick<AuthorizationRequest, 'action' | 'resource' | 'context'>,
  resourceAccount: string,
  resourcePolicy?: NamedPolicy['policy'],
): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: caller.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: resourceAccount },
        contextVariables: request.context,
      },
      identityPolicies: caller.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(`the simulator rejected ${request.action}: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult === 'Allowed' ? 'allowed' : 'denied';
}
