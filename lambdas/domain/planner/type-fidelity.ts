/**
 * AWS's confirmation of a plan that holds several policy types (a `bedrock:` section): which accounts to
 * ask about for each type under one bound of calls, and one report `fidelity` made of each type's.
 */
import type { Verify } from '../contract.ts';
import type { OrgSnapshot } from '../model.ts';
import { OrgTree } from '../organization.ts';
import { plural } from '../plural.ts';
import { EffectivePolicies } from '../policy-types/effective-policies.ts';
import { type PolicyType, policyTypeStatus } from '../policy-types/policy-type.ts';
import { currentAttachments, existingPolicies } from './existing-policies.ts';
import { accountsByPriority, fidelitySummary, stateGroups } from './fidelity.ts';
import type { Fidelity, TypeFidelity } from './schema.ts';

/** The accounts to ask about for one type, and how many distinct effective states of it there are today. */
export interface TypeAccounts {
  type: PolicyType;
  accountIds: string[];
  states: number;
}

/**
 * The accounts to ask DescribeEffectivePolicy about for each type, at most `limit` in all: every type's
 * first account of each state comes before any other account (`verify: all`), so a bound cuts whole
 * states last, and at each of the two levels the types are taken in the order given.
 */
export function accountsToVerifyByType(
  snapshot: OrgSnapshot,
  verify: Exclude<Verify, 'none'>,
  limit: number,
  types: readonly PolicyType[],
): TypeAccounts[] {
  const tree = new OrgTree(snapshot);
  const ranked = types.map((type) => {
    const enabled = policyTypeStatus(snapshot.root, type.facts) === 'ENABLED';
    const attachments = currentAttachments(existingPolicies(type, snapshot), enabled);
    const groups = stateGroups(tree, new EffectivePolicies(type.engine, tree, attachments));
    return { type, states: groups.size, ...accountsByPriority(groups, verify) };
  });
  let left = limit;
  const take = (ids: readonly string[]) => {
    const taken = ids.slice(0, Math.max(left, 0));
    left -= taken.length;
    return taken;
  };
  // Every type's first accounts are taken (map is eager) before any type's others.
  const firsts = ranked.map(({ first, ...r }) => ({ ...r, accountIds: take(first) }));
  return firsts.map(({ type, states, accountIds, rest }) => ({
    type,
    accountIds: [...accountIds, ...take(rest)],
    states,
  }));
}

/** One type's fidelity, by its Organizations name. */
export interface TypePart {
  policyType: string;
  fidelity: Fidelity;
}

/**
 * The report's `fidelity` of a plan of several types: their sums, their rows together (each row of a
 * type besides AI opt-out names it already), one line for all, and each type's figures in
 * `byPolicyType`. A plan of one type keeps its fidelity as it is.
 */
export function mergedFidelity(parts: readonly [TypePart, ...TypePart[]]): Fidelity {
  const [first, ...others] = parts;
  if (others.length === 0) return first.fidelity;
  const sum = (figure: 'states' | 'checked' | 'confirmed' | 'calls' | 'invalidAccounts') =>
    parts.reduce((total, part) => total + part.fidelity[figure], 0);
  const left = [...new Set(parts.flatMap((part) => part.fidelity.leftOrganization ?? []))];
  const byPolicyType = parts.map(({ policyType, fidelity }) => ({
    policyType,
    states: fidelity.states,
    checked: fidelity.checked,
    confirmed: fidelity.confirmed,
    calls: fidelity.calls,
    invalidAccounts: fidelity.invalidAccounts,
  }));
  const figures = {
    verify: first.fidelity.verify,
    source: first.fidelity.source,
    states: sum('states'),
    checked: sum('checked'),
    confirmed: sum('confirmed'),
    calls: sum('calls'),
    ...(first.fidelity.callLimit === undefined ? {} : { callLimit: first.fidelity.callLimit }),
    disagreements: parts.flatMap((part) => part.fidelity.disagreements),
    settledConflicts: parts.flatMap((part) => part.fidelity.settledConflicts),
    invalidAccounts: sum('invalidAccounts'),
    ...(left.length > 0 ? { leftOrganization: left } : {}),
    byPolicyType,
  };
  return { ...figures, summary: `${fidelitySummary(figures)}; ${typesLine(figures.source, byPolicyType)}` };
}

/** Each type's part of the line: `by policy type: <type> 2 of 2 states confirmed, …`, every type named. */
function typesLine(source: Fidelity['source'], byPolicyType: readonly TypeFidelity[]): string {
  const each = byPolicyType.map((t) =>
    source === 'aws'
      ? `${t.policyType} ${t.confirmed} of ${plural(t.states, 'state')} confirmed`
      : `${t.policyType} ${plural(t.states, 'state')}`,
  );
  return `by policy type: ${each.join(', ')}`;
}
