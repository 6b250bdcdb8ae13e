/**
 * The plan's part of the Bedrock pre-flight (policy-types/bedrock/preflight.ts): the checks of every
 * guardrail version the declared Bedrock policies would enforce, as the caller ran them (a live plan
 * reads Bedrock through adapters/bedrock/) or not run (a plan from a snapshot), and a violation for
 * each account that, once the plan is applied, would enforce a guardrail that failed them.
 */
import type { OrgTree } from '../organization.ts';
import { plural } from '../plural.ts';
import type { EffectivePolicies } from '../policy-types/effective-policies.ts';
import {
  type BedrockPolicy,
  type BedrockState,
  guardrailsToCheck,
  type PreflightResult,
  preflightBreaches,
} from '../policy-types/version-1.ts';
import type { AccountEffects } from './effects.ts';
import type { Plan, Preflight } from './schema.ts';

/** The report's `preflight`: the results given, or the guardrails to check with no checks run. */
export function preflightOf(
  policies: readonly BedrockPolicy[],
  results: readonly PreflightResult[] | undefined,
): Preflight {
  if (!results) {
    const guardrails = guardrailsToCheck(policies).map((g) => ({
      ...g,
      policies: [...g.policies],
      checks: [],
    }));
    return {
      source: 'none',
      summary: `not run: ${plural(guardrails.length, 'guardrail')} to check; a plan from a snapshot reads nothing of Bedrock, and apply checks each guardrail before it writes`,
      guardrails,
    };
  }
  const failed = results.filter((r) => !r.passed).length;
  return {
    source: 'bedrock',
    summary:
      failed === 0
        ? `${plural(results.length, 'guardrail')} checked, all passed`
        : `${plural(results.length, 'guardrail')} checked, ${failed} failed: no Bedrock policy enforcing a failed guardrail may be written`,
    guardrails: results.map((r) => ({ ...r, policies: [...r.policies], checks: [...r.checks] })),
  };
}

/** Adds a violation for each account whose state after apply would enforce a guardrail that failed. */
export function addPreflightViolations(
  tree: OrgTree,
  after: EffectivePolicies<object>,
  effects: AccountEffects,
  results: readonly PreflightResult[],
): void {
  for (const account of tree.accounts) {
    const breaches = preflightBreaches(after.stateOf(account.id) as BedrockState, results);
    const where = { accountId: account.id, accountName: account.name, path: account.path };
    for (const breach of breaches) effects.violations.push({ ...where, ...breach });
  }
}

/**
 * Why apply must write nothing for this plan: a guardrail its Bedrock policies would enforce failed
 * pre-flight (a policy naming it would fail every Bedrock call below it, and writing the rest would
 * leave the plan half applied); undefined when none did or none was checked.
 */
export function preflightRefusal(plan: Plan): string | undefined {
  const failed = plan.preflight?.guardrails.filter((g) => g.passed === false) ?? [];
  if (failed.length === 0) return undefined;
  const named = failed.map((g) => {
    const first = g.checks.find((c) => !c.ok);
    return `${g.region} ${g.guardrail}:${g.version} (${first ? `${first.check}: ${first.detail}` : 'failed'})`;
  });
  return `nothing was written: ${plural(failed.length, 'guardrail')} the plan's Bedrock policies would enforce failed pre-flight: ${named.join('; ')}`;
}
