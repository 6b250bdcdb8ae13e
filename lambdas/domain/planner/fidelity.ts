/**
 * Confirming the local computation with AWS: which accounts to ask DescribeEffectivePolicy about (one
 * per distinct effective state, or all), and, once AWS has answered, the comparison. Accounts whose
 * chains of attached policies are the same share one state object (effective-policy.ts), so a state
 * is a chain, and one answer stands for every account of it.
 *
 * Where AWS disagrees, AWS's document decides: it replaces the computed state of the state's accounts
 * (and their state after the plan, where the plan does not change their chain). A difference on a
 * service that policies on one node assign differently (attachment order, which no API reports) is
 * AWS settling that conflict, not a disagreement.
 */
import { compareText, PairCache } from '../collections.ts';
import type { Verify } from '../contract.ts';
import type { OrgNode, OrgTree } from '../organization.ts';
import { plural } from '../plural.ts';
import type { EffectivePolicies } from '../policy-types/effective-policies.ts';
import type {
  AttachedPolicy,
  ChainPolicy,
  EffectiveSettings,
  PolicyType,
  PolicyTypeShapes,
  SettingDifference,
  ValueConflict,
} from '../policy-types/policy-type.ts';
import type { AwsValidationError, Disagreement, Fidelity, SettledConflict } from './schema.ts';

/** AWS's answers about one policy type: `content` undefined is EffectivePolicyNotFoundException (no effective policy). */
export interface TypeAnswers {
  answers: ReadonlyMap<string, { content: string | undefined }>;
  /** DescribeEffectivePolicy calls made (an account that left the organization has no answer). */
  calls: number;
  invalidAccounts: readonly InvalidAccount[];
  /** Accounts AWS listed as invalid that were gone when their errors were read (AccountNotFoundException). */
  leftOrganization?: readonly string[];
}

/**
 * AWS's answers for the plan: AI opt-out's at the top, and those of each other policy type the snapshot
 * captures in `otherTypes`, by Organizations type. One `callLimit` bounds the calls of all of them.
 */
export type Verification =
  | { source: 'snapshot' | 'none'; verify: Verify }
  | (TypeAnswers & {
      source: 'aws';
      verify: Exclude<Verify, 'none'>;
      callLimit: number;
      otherTypes?: ReadonlyMap<string, TypeAnswers>;
    });

/**
 * The verification of one policy type other than AI opt-out: its own answers. A confirmation that did
 * not ask about the type (a snapshot without it) has none: every state of it is then not checked.
 */
export function verificationOfType(verification: Verification, organizationsType: string): Verification {
  if (verification.source !== 'aws') return verification;
  const { source, verify, callLimit } = verification;
  const asked = verification.otherTypes?.get(organizationsType);
  return { source, verify, callLimit, ...(asked ?? { answers: new Map(), calls: 0, invalidAccounts: [] }) };
}

/** A plan against a snapshot: there is no AWS to ask, so the report says the effective policies are not confirmed. */
export function snapshotVerification(verify: Verify): Verification {
  return { source: 'snapshot', verify };
}

/** An account AWS lists with an invalid effective policy; `errors` undefined when they were not read. */
export interface InvalidAccount {
  accountId: string;
  accountName: string;
  errors: readonly AwsValidationError[] | undefined;
}

/** The accounts of each distinct effective state, in the tree's order. */
export function stateGroups<S>(tree: OrgTree, effective: { stateOf(nodeId: string): S }): Map<S, OrgNode[]> {
  const groups = new Map<S, OrgNode[]>();
  for (const account of tree.accounts) {
    const state = effective.stateOf(account.id);
    const group = groups.get(state);
    if (group) group.push(account);
    else groups.set(state, [account]);
  }
  return groups;
}

/**
 * The accounts to ask about, most useful first, at most `limit`: one active account of each state,
 * then (`all`) every other account; a bound therefore cuts whole states last.
 */
export function accountsToAsk(
  groups: ReadonlyMap<unknown, readonly OrgNode[]>,
  verify: Exclude<Verify, 'none'>,
  limit: number,
): string[] {
  const { first, rest } = accountsByPriority(groups, verify);
  return [...first, ...rest].slice(0, limit);
}

/** One active account of each state (`first`), then (`all`) every other account (`rest`). */
export function accountsByPriority(
  groups: ReadonlyMap<unknown, readonly OrgNode[]>,
  verify: Exclude<Verify, 'none'>,
): { first: string[]; rest: string[] } {
  const first: string[] = [];
  const rest: string[] = [];
  for (const accounts of groups.values()) {
    const sorted = [...accounts].sort((a, b) => compareText(a.id, b.id));
    const pick = sorted.find((a) => a.status === undefined || a.status === 'ACTIVE') ?? sorted[0];
    if (!pick) continue;
    first.push(pick.id);
    if (verify === 'all') for (const a of sorted) if (a !== pick) rest.push(a.id);
  }
  return { first, rest };
}

interface Judged<S> {
  disagreement: Omit<Disagreement, 'accounts'> | undefined;
  settled: SettledConflict[];
  /** AWS's document as a state, when it differs from ours. */
  awsState: S | undefined;
}

interface Context<T extends PolicyTypeShapes> {
  type: PolicyType<T>;
  tree: OrgTree;
  current: EffectivePolicies<T['state']>;
  after: EffectivePolicies<T['state']>;
  attachments: ReadonlyMap<string, readonly AttachedPolicy<T['document']>[]>;
}

/** Compares AWS's answers with the computed states, puts AWS's answer in place where they differ. */
export function confirmStates<T extends PolicyTypeShapes>(
  context: Context<T>,
  verification: Verification,
): Fidelity {
  const groups = stateGroups(context.tree, context.current);
  if (verification.source !== 'aws') return notConfirmed(verification, groups.size);
  const { answers } = verification;
  const disagreements: Disagreement[] = [];
  const settled = new Map<string, SettledConflict>();
  const useAwsState = awsStateUser(context);
  let checked = 0;
  let confirmed = 0;
  for (const [state, accounts] of groups) {
    const asked = accounts.filter((a) => answers.has(a.id));
    if (asked.length === 0) continue;
    checked++;
    let agreed = true;
    let groupAnswer: T['state'] | undefined;
    for (const account of asked) {
      const judged = judge(context, state, account, answers.get(account.id)?.content);
      for (const s of judged.settled) settled.set(`${s.nodeId}|${s.service}`, s);
      if (judged.disagreement) {
        agreed = false;
        const decided = verification.verify === 'states' ? accounts.length : 1;
        disagreements.push({ ...judged.disagreement, accounts: decided });
      }
      if (judged.awsState) {
        useAwsState(account.id, judged.awsState);
        groupAnswer ??= judged.awsState;
      }
    }
    if (agreed) confirmed++;
    if (groupAnswer) {
      for (const account of accounts) if (!answers.has(account.id)) useAwsState(account.id, groupAnswer);
    }
  }
  const figures = {
    verify: verification.verify,
    source: 'aws' as const,
    states: groups.size,
    checked,
    confirmed,
    calls: verification.calls,
    callLimit: verification.callLimit,
    disagreements,
    settledConflicts: [...settled.values()],
    invalidAccounts: verification.invalidAccounts.length,
    ...(verification.leftOrganization?.length
      ? { leftOrganization: [...verification.leftOrganization] }
      : {}),
  };
  return { ...figures, summary: fidelitySummary(figures) };
}

function notConfirmed(
  verification: { source: 'snapshot' | 'none'; verify: Verify },
  states: number,
): Fidelity {
  const figures = {
    verify: verification.verify,
    source: verification.source,
    states,
    checked: 0,
    confirmed: 0,
    calls: 0,
    disagreements: [],
    settledConflicts: [],
    invalidAccounts: 0,
  };
  return { ...figures, summary: fidelitySummary(figures) };
}

/** A fidelity's line, from its figures (a plan of several policy types says it of their sums). */
export function fidelitySummary(fidelity: Omit<Fidelity, 'summary'>): string {
  const { states, checked, confirmed, disagreements, callLimit } = fidelity;
  if (fidelity.source !== 'aws') {
    const why = fidelity.source === 'snapshot' ? 'snapshot' : 'verify none';
    return `not confirmed (${why}): the effective policies of ${plural(states, 'state')} are computed locally only`;
  }
  const parts = [`confirmed by AWS for ${confirmed} of ${plural(states, 'state')}`];
  if (disagreements.length > 0) {
    const decided = disagreements.reduce((sum, d) => sum + d.accounts, 0);
    parts.push(
      `AWS disagrees on ${plural(checked - confirmed, 'state')}, and its answer decides the verdict for ${plural(decided, 'account')}`,
    );
  }
  if (checked < states) {
    const bound =
      callLimit === undefined
        ? ''
        : ` (at most ${plural(callLimit, 'DescribeEffectivePolicy call')} per run)`;
    parts.push(`${states - checked} not checked${bound}`);
  }
  return parts.join('; ');
}

/**
 * Puts AWS's answer in place of an account's state. Its state after the plan is AWS's answer too where
 * the plan leaves the computed settings of the account as they are (the two computations build separate
 * state objects, so they are compared by their settings).
 */
function awsStateUser<T extends PolicyTypeShapes>({ type, current, after }: Context<T>) {
  const sameSettings = new PairCache<T['state'], T['state'], boolean>();
  const { settings, differences } = type.aws;
  return (accountId: string, aws: T['state']): void => {
    const before = current.stateOf(accountId);
    const planned = after.stateOf(accountId);
    const unchanged = sameSettings.get(
      before,
      planned,
      () => differences(settings(before), settings(planned)).length === 0,
    );
    if (unchanged) after.replace(accountId, aws);
    current.replace(accountId, aws);
  };
}

/** The policies of an account's chain, root first, with the node each is attached to. */
function chainPolicies<T extends PolicyTypeShapes>(
  { tree, attachments }: Context<T>,
  account: OrgNode,
): ChainPolicy<T['document']>[] {
  return tree
    .chain(account)
    .flatMap((node) => (attachments.get(node.id) ?? []).map((policy) => ({ policy, node })));
}

function judge<T extends PolicyTypeShapes>(
  context: Context<T>,
  state: T['state'],
  account: OrgNode,
  content: string | undefined,
): Judged<T['state']> {
  const { aws } = context.type;
  const chain = chainPolicies(context, account);
  const policies = chain.map(({ policy, node }) => ({
    policyId: policy.id,
    policyName: policy.name,
    nodeId: node.id,
    node: context.tree.label(node),
  }));
  const local = aws.settings(state);
  const base = {
    state:
      policies.length === 0
        ? 'no policy'
        : policies.map((p) => `${p.node}: ${p.policyName} (${p.policyId})`).join(' → '),
    accountId: account.id,
    local: aws.document(local),
    aws: content ?? '',
    policies,
  };
  const parsed = aws.parse(content);
  if ('error' in parsed) {
    return {
      disagreement: { ...base, differences: [], error: parsed.error },
      settled: [],
      awsState: undefined,
    };
  }
  const diffs = aws.differences(local, parsed.settings);
  const onChain = new Set(chain.map(({ node }) => node.id));
  const conflicts = context.current.conflicts.filter(
    (c) => onChain.has(c.nodeId) && aws.decidedAt(state, c.service) === c.nodeId,
  );
  const { settled, unexplained } = settle(context.tree, conflicts, diffs, parsed.settings, local, account.id);
  return {
    disagreement: unexplained.length > 0 ? { ...base, differences: unexplained } : undefined,
    settled,
    awsState: diffs.length > 0 ? aws.stateOf(state, parsed.settings, chain) : undefined,
  };
}

/**
 * Sorts the differences: one on a service that the node deciding it assigns two ways is AWS settling
 * that conflict; any other is a disagreement. A conflict where AWS shows our guess is settled too.
 */
function settle(
  tree: OrgTree,
  conflicts: readonly ValueConflict[],
  diffs: readonly SettingDifference[],
  aws: EffectiveSettings,
  local: EffectiveSettings,
  accountId: string,
): { settled: SettledConflict[]; unexplained: SettingDifference[] } {
  const settled: SettledConflict[] = [];
  const unexplained: SettingDifference[] = [];
  for (const diff of diffs) {
    const conflict = conflicts.find(
      (c) => c.service === diff.service && c.candidates.some((candidate) => candidate.value === diff.aws),
    );
    if (conflict) settled.push(settledOf(tree, conflict, diff.aws, accountId));
    else unexplained.push(diff);
  }
  for (const conflict of conflicts) {
    const value = aws.get(conflict.service);
    if (value !== undefined && value === local.get(conflict.service)) {
      settled.push(settledOf(tree, conflict, value, accountId));
    }
  }
  return { settled, unexplained };
}

function settledOf(
  tree: OrgTree,
  conflict: ValueConflict,
  value: string,
  accountId: string,
): SettledConflict {
  const node = tree.get(conflict.nodeId);
  return {
    nodeId: conflict.nodeId,
    node: node ? tree.label(node) : conflict.nodeId,
    service: conflict.service,
    value,
    accountId,
    candidates: conflict.candidates.map((c) => ({ ...c })),
  };
}
