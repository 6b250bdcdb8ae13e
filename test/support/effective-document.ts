/**
 * An effective state in the format DescribeEffectivePolicy returns (operators stripped, each service
 * mapped to `{"opt_out_policy": "optOut" | "optIn"}`), so tests can state expectations the way AWS's
 * documented examples print them.
 */
import { compareServiceKeys } from '../../lambdas/domain/collections.ts';
import type { EffectiveState } from '../../lambdas/domain/effective-policy.ts';
import type { Setting } from '../../lambdas/domain/model.ts';

export function effectiveDocument(state: EffectiveState): {
  services: Record<string, { opt_out_policy: Setting }>;
} {
  const services: Record<string, { opt_out_policy: Setting }> = {};
  for (const key of [...state.entries.keys()].sort(compareServiceKeys)) {
    const value = state.entries.get(key)?.value;
    if (value !== undefined) services[key] = { opt_out_policy: value };
  }
  return { services };
}
