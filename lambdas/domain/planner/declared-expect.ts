/**
 * The declared policies alone, on the real hierarchy, must satisfy the file's own `expect`: if they
 * do not, the file is wrong (a ConfigurationError), whatever the organization has today. For a pull
 * request they must satisfy its base's `expect` too: where they do not, those are violations the pull
 * request adds (a pull request cannot loosen the guardrail that judges it).
 */
import { compareText, PairCache } from '../collections.ts';
import type { Diagnostic, SourceLocation } from '../diagnostics.ts';
import { ConfigurationError } from '../errors.ts';
import type { OrgNode } from '../organization.ts';
import { plural } from '../plural.ts';
import { EffectivePolicies } from '../policy-types/effective-policies.ts';
import type { Breach, PolicyTypeShapes } from '../policy-types/policy-type.ts';
import type { PlanDraft } from './draft.ts';
import type { Guardrail } from './effects.ts';
import type { Violation } from './schema.ts';

interface BreachGroup {
  breach: Breach;
  accounts: OrgNode[];
}

/** Throws when the declared policies alone break the file's own `expect` (guardrail undefined: none). */
export function checkDeclaredAgainstExpect<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  guardrail: Guardrail<T['expectation']> | undefined,
  file: string,
  organizationId: string,
): void {
  if (!guardrail) return;
  const groups = breachesByCause(draft, guardrail);
  if (groups.length === 0) return;
  throw new ConfigurationError(
    `${file}: the declared policies break the file's own expect block in organization ${organizationId}`,
    groups.map((group) => diagnostic(draft, guardrail.expectation.location, group)),
  );
}

/**
 * The accounts the declared policies alone would leave in breach of `guardrail` (the base's `expect`),
 * one violation per account and service, by path, account and service.
 */
export function declaredViolationsOf<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  guardrail: Guardrail<T['expectation']>,
): Violation[] {
  const rows = breachesByCause(draft, guardrail).flatMap(({ breach, accounts }) =>
    accounts.map((account) => ({
      accountId: account.id,
      accountName: account.name,
      path: account.path,
      service: breach.service,
      expected: breach.expected,
      actual: breach.actual,
      cause: breach.cause,
      causeDetail: `${breach.causeDetail}, once applied: the base's expect does not allow it`,
    })),
  );
  return rows.sort(
    (a, b) =>
      compareText(a.path, b.path) ||
      compareText(a.accountName, b.accountName) ||
      compareText(a.service, b.service),
  );
}

/** Accounts whose declared-only state breaks `expect`, grouped by service, value and cause. */
function breachesByCause<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  { expectation, exempt }: Guardrail<T['expectation']>,
): BreachGroup[] {
  const { tree, type } = draft;
  const declared = new EffectivePolicies(type.engine, tree, draft.declared);
  const groups = new Map<string, BreachGroup>();
  const cache = new PairCache<T['state'], ReadonlySet<string>, Breach[]>();
  for (const account of tree.accounts) {
    const state = declared.stateOf(account.id);
    const accountExempt = exempt.get(account.id) as ReadonlySet<string>;
    const found = cache.get(state, accountExempt, () =>
      type.expect.breaches(tree, state, expectation, accountExempt),
    );
    for (const breach of found) {
      const key = `${breach.service}|${breach.actual}|${breach.cause}`;
      const group = groups.get(key) ?? { breach, accounts: [] };
      group.accounts.push(account);
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

function diagnostic<T extends PolicyTypeShapes>(
  draft: PlanDraft<T>,
  expectLocation: SourceLocation,
  { breach, accounts }: BreachGroup,
): Diagnostic {
  const { tree } = draft;
  const at = breach.cause.lastIndexOf('@');
  const policy: T['policy'] | undefined =
    at > 0 ? draft.declaredById.get(breach.cause.slice(0, at)) : undefined;
  const node = at > 0 ? tree.get(breach.cause.slice(at + 1)) : undefined;
  const by = policy && node ? `set by ${policy.name} on ${tree.label(node)}` : 'no declared policy sets it';
  const sample = accounts
    .slice(0, 3)
    .map((a) => tree.label(a))
    .join(', ');
  const more = accounts.length > 3 ? ` and ${accounts.length - 3} more` : '';
  return {
    severity: 'error',
    code: 'declared-breaks-expect',
    location: policy?.location ?? expectLocation,
    message: `the declared policies would leave ${breach.service} ${breach.actual} (${by}) for ${plural(accounts.length, 'account')}: ${sample}${more}, which breaks ${draft.type.expect.rule}`,
    hint: draft.type.expect.fix ?? 'change the policy, or add an `expect.except` entry for those accounts',
  };
}
