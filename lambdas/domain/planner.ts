/**
 * The planner: desired state + organization snapshot -> the changes apply would make, the effective
 * changes they would cause per account, the accounts that break `expect` today, warnings and the
 * verdict. Each step is a module of planner/; `plan` runs them in order.
 *
 * Problems the user must fix in the desired state (unknown targets, name conflicts, the 5-per-target
 * limit, declared policies that would themselves break `expect`) throw a ConfigurationError.
 */

import type { Mode, UnmanagedHandling } from './contract.ts';
import type { DesiredState } from './desired-state/types.ts';
import { refuseUnsupportedSections } from './desired-state/unsupported-sections.ts';
import type { OrgSnapshot } from './model.ts';
import { OrgTree } from './organization.ts';
import { addConflictWarnings } from './planner/conflict-warnings.ts';
import { checkDeclaredAgainstExpect, declaredViolationsOf } from './planner/declared-expect.ts';
import { planDeclaredPolicies } from './planner/declared-policies.ts';
import { newDraft, type PlanDraft, throwIfProblems } from './planner/draft.ts';
import { type AccountEffects, accountEffects, countNonCompliant, type Guardrail } from './planner/effects.ts';
import { exemptions } from './planner/exceptions.ts';
import { capturesType, currentAttachments, existingPolicies } from './planner/existing-policies.ts';
import { confirmStates, type Verification, verificationOfType } from './planner/fidelity.ts';
import { addInvalidAccounts } from './planner/invalid-accounts.ts';
import { checkPolicyType } from './planner/policy-type.ts';
import { addPreflightViolations, preflightOf } from './planner/preflight.ts';
import type { Fidelity, Plan, Preflight, Violation } from './planner/schema.ts';
import { nodeSummaries, sortChanges, summarize, verdictOf } from './planner/summary.ts';
import { checkTargetLimit } from './planner/target-limit.ts';
import { mergedFidelity } from './planner/type-fidelity.ts';
import { planUndeclaredPolicies } from './planner/undeclared-policies.ts';
import { EffectivePolicies } from './policy-types/effective-policies.ts';
import type { PolicyType, PolicyTypeShapes } from './policy-types/policy-type.ts';
import type { PreflightResult } from './policy-types/version-1.ts';

export type { InvalidAccount, Verification } from './planner/fidelity.ts';
// The plan's types, for the callers of `plan` (the applier, the CLI, the pipeline job).
export { ACTION_ORDER, type Change, type ChangeAction, type Plan } from './planner/schema.ts';

export interface PlanOptions {
  /** Overrides the desired state's `mode` (the pipeline's UserParameters do this). */
  mode?: Mode;
  /** What AWS said about the effective policies (planner/fidelity.ts); the report's `fidelity` follows it. */
  verification?: Verification;
  /**
   * A pull request's base `expect` (`plan --base-config`): it judges this desired state too, so a pull
   * request cannot remove or loosen a guardrail to pass it. Violations count against both; the declared
   * policies' breaches of it are `baseExpectViolations`.
   */
  baseExpect?: NonNullable<DesiredState['expect']>;
  /**
   * The pre-flight of the Bedrock section's guardrails, as read from Bedrock (adapters/bedrock/); absent:
   * not run, and the plan says so. A guardrail that failed is a violation of every account that would
   * enforce it.
   */
  preflight?: readonly PreflightResult[];
}

/** Computes the plan. Throws ConfigurationError for problems the desired state must fix. */
export function plan(desired: DesiredState, snapshot: OrgSnapshot, options: PlanOptions = {}): Plan {
  if (desired.bedrock && !capturesType(snapshot, desired.bedrock.policyType.facts)) {
    const unless = ` except live (\`plan\`) or from a snapshot that holds them (\`plan --snapshot\`, its \`capturedPolicyTypes\` listing ${desired.bedrock.policyType.facts.organizationsType}, as \`ai-optout snapshot --config\` with this file writes)`;
    refuseUnsupportedSections(desired.bedrock, 'plan', unless);
  }
  const tree = new OrgTree(snapshot);
  const { policyType: type, policies, unmanaged, expect } = desired;
  const parts = [planType({ type, policies, unmanaged, expect }, snapshot, tree, desired.file, options)];
  let preflight: Preflight | undefined;
  if (desired.bedrock) {
    const { policyType: bedrockType, ...section } = desired.bedrock;
    // AWS's answers about this type judge it (the mode and a base's `expect` are AI opt-out's).
    const { verification } = options;
    const typeOptions = verification
      ? { verification: verificationOfType(verification, bedrockType.facts.organizationsType) }
      : {};
    const part = planType({ type: bedrockType, ...section }, snapshot, tree, desired.file, typeOptions);
    if (options.preflight) addPreflightViolations(tree, part.after, part.effects, options.preflight);
    preflight = preflightOf(section.policies, options.preflight);
    parts.push(labelled(part));
  }
  const [own] = parts as [TypePlan];
  const changes = parts.flatMap((part) => part.draft.changes);
  sortChanges(changes);
  const effects =
    parts.length === 1
      ? own.effects
      : mergedEffects(
          tree,
          parts.map((part) => part.effects),
        );
  const verdict = verdictOf(changes, effects);
  const total = tree.accounts.length;
  return {
    mode: options.mode ?? desired.mode,
    organization: {
      id: snapshot.organization.id,
      rootId: tree.root.id,
      managementAccountId: snapshot.organization.managementAccountId,
    },
    verdict,
    summary: summarize(verdict, changes, effects, total),
    changes,
    effectiveChanges: effects.effectiveChanges,
    violations: effects.violations,
    accounts: { total, compliant: total - effects.nonCompliant, nonCompliant: effects.nonCompliant },
    warnings: parts.flatMap((part) => part.draft.warnings),
    nodes: nodeSummaries(tree, effects.nonCompliantByNode),
    ...fidelityOf(parts),
    ...(own.baseExpectViolations ? { baseExpectViolations: own.baseExpectViolations } : {}),
    ...(preflight ? { preflight } : {}),
  };
}

/** The report's `fidelity`: each type's, one for all (absent when the caller did not ask AWS). */
function fidelityOf(parts: readonly TypePlan[]): { fidelity?: Fidelity } {
  const confirmed = parts.flatMap((part) =>
    part.fidelity ? [{ policyType: part.draft.type.facts.organizationsType, fidelity: part.fidelity }] : [],
  );
  const [first, ...others] = confirmed;
  return first ? { fidelity: mergedFidelity([first, ...others]) } : {};
}

/** What the file declares of one policy type. */
interface Declared<T extends PolicyTypeShapes> {
  type: PolicyType<T>;
  policies: readonly T['policy'][];
  unmanaged: UnmanagedHandling;
  expect: T['expectation'] | undefined;
}

/** One type's part of a plan. */
interface TypePlan {
  draft: PlanDraft;
  effects: AccountEffects;
  fidelity: Fidelity | undefined;
  baseExpectViolations: Violation[] | undefined;
  /** Every node's effective state once the plan is applied. */
  after: EffectivePolicies<object>;
}

/** Plans the policies of one type: each step of planner/, in order. */
function planType<T extends PolicyTypeShapes>(
  declared: Declared<T>,
  snapshot: OrgSnapshot,
  tree: OrgTree,
  file: string,
  options: PlanOptions,
): TypePlan {
  const { type } = declared;
  const draft = newDraft(type, tree);
  const typeEnabled = checkPolicyType(draft, snapshot.root);
  const existing = existingPolicies(type, snapshot);
  const claimed = planDeclaredPolicies(draft, declared.policies, existing, typeEnabled);
  planUndeclaredPolicies(draft, declared.policies, declared.unmanaged, existing, claimed, typeEnabled);
  checkTargetLimit(draft, file);
  const exempt = exemptions(draft, declared.expect);
  throwIfProblems(draft, file, snapshot.organization.id);
  const own = declared.expect && { expectation: declared.expect, exempt };
  const base = options.baseExpect && baseGuardrail(type, tree, options.baseExpect as T['expectation']);
  const attachments = currentAttachments(existing, typeEnabled);
  const current = new EffectivePolicies(type.engine, tree, attachments);
  const after = new EffectivePolicies(type.engine, tree, draft.after);
  checkDeclaredAgainstExpect(draft, own, file, snapshot.organization.id);
  const { verification } = options;
  const fidelity = verification && confirmStates({ type, tree, current, after, attachments }, verification);
  addConflictWarnings(draft, [current, after], fidelity?.settledConflicts ?? []);
  const guardrails = [own, base].filter((g) => g !== undefined);
  const effects = accountEffects(type, current, after, guardrails);
  if (verification?.source === 'aws') addInvalidAccounts(type, tree, effects, verification.invalidAccounts);
  const baseExpectViolations = base && declaredViolationsOf(draft, base);
  return { draft: draft as unknown as PlanDraft, effects, fidelity, baseExpectViolations, after };
}

/** A second type's part, each of its rows naming the type (rows without one are AI opt-out's). */
function labelled(part: TypePlan): TypePlan {
  const policyType = part.draft.type.facts.organizationsType;
  const label = <R extends object>(rows: R[]) => rows.map((row) => ({ ...row, policyType }));
  part.draft.changes.splice(0, Infinity, ...label(part.draft.changes));
  const { effectiveChanges, violations } = part.effects;
  const { fidelity } = part;
  return {
    ...part,
    effects: { ...part.effects, effectiveChanges: label(effectiveChanges), violations: label(violations) },
    fidelity: fidelity && {
      ...fidelity,
      disagreements: label(fidelity.disagreements),
      settledConflicts: label(fidelity.settledConflicts),
    },
  };
}

/** The effects of several types: their rows, and as non-compliant each account any of them counts. */
function mergedEffects(tree: OrgTree, parts: readonly AccountEffects[]): AccountEffects {
  const merged: AccountEffects = {
    effectiveChanges: parts.flatMap((part) => part.effectiveChanges),
    violations: parts.flatMap((part) => part.violations),
    nonCompliant: 0,
    nonCompliantByNode: new Map(),
  };
  const accounts = new Set([...merged.effectiveChanges, ...merged.violations].map((row) => row.accountId));
  for (const accountId of accounts) countNonCompliant(merged, tree, accountId);
  return merged;
}

/**
 * The base's `expect` with its exemptions. Its exceptions are resolved on a draft of their own, whose
 * problems are dropped: an exception whose target is gone exempts nothing, which can only add violations
 * (the base's own plan reports the target).
 */
function baseGuardrail<T extends PolicyTypeShapes>(
  type: PolicyType<T>,
  tree: OrgTree,
  expectation: T['expectation'],
): Guardrail<T['expectation']> {
  return { expectation, exempt: exemptions(newDraft(type, tree), expectation) };
}
