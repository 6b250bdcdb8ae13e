/**
 * What the plan means for each account: the resolved settings that would change if it were applied
 * (effective changes), the services that break `expect` today (violations), and which accounts are
 * non-compliant for either reason.
 */
import { compareServiceKeys, PairCache } from '../collections.ts';
import type { Expectation } from '../desired-state/types.ts';
import { type EffectivePolicies, type EffectiveState, resolve, servicesOf } from '../effective-policy.ts';
import type { ResolvedSetting } from '../model.ts';
import type { OrgTree } from '../organization.ts';
import { type Breach, breaches } from './expect.ts';
import type { EffectiveChange, Violation } from './schema.ts';

export interface AccountEffects {
  effectiveChanges: EffectiveChange[];
  violations: Violation[];
  nonCompliant: number;
  /** Non-compliant accounts directly in each root or OU. */
  nonCompliantByNode: Map<string, number>;
}

type SettingDiff = { service: string; from: ResolvedSetting; to: ResolvedSetting };

/** An `expect` block and the services its exceptions exempt per node (planner/exceptions.ts). */
export interface Guardrail {
  expectation: Expectation;
  exempt: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Effective changes, and violations of every guardrail given (the file's `expect`, and for a pull request
 * its base's too): a service breaks them if it breaks any one of them, and is listed once.
 */
export function accountEffects(
  tree: OrgTree,
  current: EffectivePolicies,
  after: EffectivePolicies,
  guardrails: readonly Guardrail[],
): AccountEffects {
  const effects: AccountEffects = {
    effectiveChanges: [],
    violations: [],
    nonCompliant: 0,
    nonCompliantByNode: new Map(),
  };
  const diffCache = new PairCache<EffectiveState, EffectiveState, SettingDiff[]>();
  const checks = guardrails.map((guardrail) => ({
    ...guardrail,
    cache: new PairCache<EffectiveState, ReadonlySet<string>, Breach[]>(),
  }));
  for (const account of tree.accounts) {
    const where = { accountId: account.id, accountName: account.name, path: account.path };
    const before = current.stateOf(account.id);
    const afterState = after.stateOf(account.id);
    const diffs = diffCache.get(before, afterState, () => diffStates(before, afterState));
    for (const diff of diffs) effects.effectiveChanges.push({ ...where, ...diff });
    const found = firstPerService(
      checks.flatMap(({ expectation, exempt, cache }) => {
        const accountExempt = exempt.get(account.id) as ReadonlySet<string>;
        return cache.get(before, accountExempt, () => breaches(tree, before, expectation, accountExempt));
      }),
    );
    for (const breach of found) effects.violations.push({ ...where, expected: 'optOut', ...breach });
    if (diffs.length === 0 && found.length === 0) continue;
    effects.nonCompliant++;
    const parent = account.parentId as string;
    effects.nonCompliantByNode.set(parent, (effects.nonCompliantByNode.get(parent) ?? 0) + 1);
  }
  return effects;
}

/** One breach per service: the same service can break both the file's and the base's `expect`. */
function firstPerService(found: readonly Breach[]): Breach[] {
  const seen = new Set<string>();
  return found.filter((breach) => !seen.has(breach.service) && seen.add(breach.service));
}

/** Services whose resolved setting differs between two states, `default` first. */
function diffStates(before: EffectiveState, after: EffectiveState): SettingDiff[] {
  if (before === after) return [];
  const services = [...new Set([...servicesOf(before), ...servicesOf(after)])].sort(compareServiceKeys);
  const changes: SettingDiff[] = [];
  for (const service of services) {
    const from = resolve(before, service);
    const to = resolve(after, service);
    if (from !== to) changes.push({ service, from, to });
  }
  return changes;
}
