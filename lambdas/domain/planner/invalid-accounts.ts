/**
 * AWS's own alarms: accounts ListAccountsWithInvalidEffectivePolicy lists are violations, one per
 * validation error AWS gives (ListEffectivePolicyValidationErrors), with its code, path and the
 * policies that contributed. AWS's effective policy for such an account "is not fully enforced"
 * [ORG-INVALID-EFFECTIVE-POLICY], so no service of it counts as opted out.
 */
import type { OrgTree } from '../organization.ts';
import type { PolicyType } from '../policy-types/policy-type.ts';
import { type AccountEffects, countNonCompliant } from './effects.ts';
import type { InvalidAccount } from './fidelity.ts';
import type { Violation } from './schema.ts';

function violationsOf(aws: PolicyType['aws'], tree: OrgTree, invalid: InvalidAccount): Violation[] {
  const node = tree.get(invalid.accountId);
  const where = {
    accountId: invalid.accountId,
    accountName: node?.name ?? invalid.accountName,
    path: node?.path ?? '',
    ...aws.unenforced,
  };
  if (!invalid.errors || invalid.errors.length === 0) {
    const why = invalid.errors
      ? 'AWS gave no validation error for it'
      : 'its validation errors were not read (the bound of calls per run)';
    return [
      {
        ...where,
        service: '*',
        cause: 'aws:invalid',
        causeDetail: `AWS lists this account's effective policy as invalid; ${why}`,
      },
    ];
  }
  return invalid.errors.map((error) => {
    const at = error.pathToError ? ` at ${error.pathToError}` : '';
    const said = error.errorMessage ? `: ${error.errorMessage}` : '';
    const policies =
      error.contributingPolicies.length > 0 ? `; policies ${error.contributingPolicies.join(', ')}` : '';
    return {
      ...where,
      service: aws.serviceAt(error.pathToError),
      cause: `aws:${error.errorCode}`,
      causeDetail: `AWS reports the effective policy invalid (${error.errorCode}${at}${said}${policies})`,
      awsValidation: { ...error, contributingPolicies: [...error.contributingPolicies] },
    };
  });
}

/** Adds the violations of AWS's invalid accounts, counting each account non-compliant once. */
export function addInvalidAccounts(
  type: PolicyType,
  tree: OrgTree,
  effects: AccountEffects,
  invalid: readonly InvalidAccount[],
): void {
  const counted = new Set([
    ...effects.effectiveChanges.map((c) => c.accountId),
    ...effects.violations.map((v) => v.accountId),
  ]);
  for (const account of invalid) {
    effects.violations.push(...violationsOf(type.aws, tree, account));
    if (counted.has(account.accountId)) continue;
    counted.add(account.accountId);
    countNonCompliant(effects, tree, account.accountId);
  }
}
