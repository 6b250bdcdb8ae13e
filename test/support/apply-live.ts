/** Plan, apply and verify in one call against the live organization: what most live tests set up. */
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import type { PlanOptions } from '../../lambdas/domain/planner.ts';
import { type ApplyResult, applyPlanned, planLive, type ReconcileOptions } from '../../lambdas/reconciler.ts';

export async function applyLive(
  desired: DesiredState,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<ApplyResult> {
  return applyPlanned(desired, await planLive(desired, options, planOptions), options, planOptions);
}
