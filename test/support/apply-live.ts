/** Plan, apply and verify in one call against the live organization: what most live tests set up. */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { Throttle } from '../../lambdas/adapters/organizations/throttle.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import type { PlanOptions } from '../../lambdas/domain/planner.ts';
import {
  type ApplyResult,
  OrganizationSession,
  type SessionOptions,
} from '../../lambdas/organization-session.ts';

export async function applyLive(
  desired: DesiredState,
  options: SessionOptions,
  planOptions: PlanOptions = {},
): Promise<ApplyResult> {
  const session = new OrganizationSession(options);
  const planned = session.plan(desired, await session.confirm(await session.read()), planOptions);
  return session.apply(desired, planned, planOptions);
}

/** Brings the organization in line with `yaml` (an earlier enforce run), with no pacing and no waits. */
export async function convergeTo(yaml: string, client: OrganizationsClient): Promise<void> {
  const loaded = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error('setup: the desired state does not load');
  const noSleep = async () => {};
  const result = await applyLive(loaded.state, {
    client,
    throttle: new Throttle({ rates: 'none' }),
    sleep: noSleep,
    apply: { sleep: noSleep },
    rereadDelaysMs: [0],
    // Setup talks to moto directly, which has no DescribeEffectivePolicy.
    verify: 'none',
  });
  if (!result.converged) throw new Error('setup: apply did not converge');
}
