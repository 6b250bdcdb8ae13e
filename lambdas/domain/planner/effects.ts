/**
 * What the plan means for each account: the resolved settings that would change if it were applied
 * (effective changes), the settings that break `expect` today (violations), and which accounts are
 * non-compliant for either reason.
 */
import { PairCache } from '../collections.ts';
import type { OrgTree } from '../organization.ts';
import type { EffectivePolicies } from '../policy-types/effective-policies.ts';
import type { Breach, PolicyType, PolicyTypeShapes, SettingChange } from '../policy-types/policy-type.ts';
import type { EffectiveChange, Violation } from './schema.ts';

export interface AccountEffects {
  effectiveChanges: EffectiveChange[];
  violations: Violation[];
  nonCompliant: number;
  /** Non-compliant accounts directly in each root or OU. */
  nonCompliantByNode: Map<string, number>;
}

/** An `expect` block and the services its exceptions exempt per node (planner/exceptions.ts). */
export interface Guardrail<E = PolicyTypeShapes['expectation']> {
  expectation: E;
  exempt: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Effective changes, and violations of every guardrail given (the file's `expect`, and for a pull request
 * its base's too): a setting breaks them if it breaks any one of them, and is listed once.
 */
export function accountEffects<T extends PolicyTypeShapes>(
  type: PolicyType<T>,
  current: EffectivePolicies<T['state']>,
  after: EffectivePolicies<T['state']>,
  guardrails: readonly Guardrail<T['expectation']>[],
): AccountEffects {
  const { tree } = current;
  const effects: AccountEffects = {
    effectiveChanges: [],
    violations: [],
    nonCompliant: 0,
    nonCompliantByNode: new Map(),
  };
  const diffCache = new PairCache<T['state'], T['state'], SettingChange[]>();
  const checks = guardrails.map((guardrail) => ({
    ...guardrail,
    cache: new PairCache<T['state'], ReadonlySet<string>, Breach[]>(),
  }));
  for (const account of tree.accounts) {
    const where = { accountId: account.id, accountName: account.name, path: account.path };
    const before = current.stateOf(account.id);
    const afterState = after.stateOf(account.id);
    const diffs = diffCache.get(before, afterState, () => type.engine.changes(before, afterState));
    for (const diff of diffs) effects.effectiveChanges.push({ ...where, ...diff });
    const found = firstPerService(
      checks.flatMap(({ expectation, exempt, cache }) => {
        const accountExempt = exempt.get(account.id) as ReadonlySet<string>;
        return cache.get(before, accountExempt, () =>
          type.expect.breaches(tree, before, expectation, accountExempt),
        );
      }),
    );
    for (const { expected, ...breach } of found) effects.violations.push({ ...where, expected, ...breach });
    if (diffs.length === 0 && found.length === 0) continue;
    countNonCompliant(effects, tree, account.id);
  }
  return effects;
}

/** Counts an account non-compliant, in total and in the root or OU that holds it. */
export function countNonCompliant(effects: AccountEffects, tree: OrgTree, accountId: string): void {
  effects.nonCompliant++;
  const parent = tree.get(accountId)?.parentId;
  if (parent) effects.nonCompliantByNode.set(parent, (effects.nonCompliantByNode.get(parent) ?? 0) + 1);
}

/** One breach per service: the same service can break both the file's and the base's `expect`. */
function firstPerService(found: readonly Breach[]): Breach[] {
  const seen = new Set<string>();
  return found.filter((breach) => !seen.has(breach.service) && seen.add(breach.service));
}
