/**
 * One session with an organization: its Organizations client and one throttle that paces every call the
 * session makes, and the four steps every caller takes in this order (the CLI, the pipeline job and the
 * Config rule alike):
 *
 * - `read`: the organization as a snapshot (`readUntil`: a read a deadline may cut, resumable later);
 * - `confirm`: what AWS says of the effective policies the snapshot implies, of every policy type it
 *   captures (`verify`: states, all, none);
 * - `plan`: the desired state against the confirmed organization (pure: no call);
 * - `apply`: the plan carried out, the policies re-read until the writes show, then confirmed and
 *   planned again.
 *
 * Two words are kept apart: *confirm* is AWS's account of the effective policies (DescribeEffectivePolicy
 * and the invalid-policy lists), *re-read* is reading the policies again after apply.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GuardrailReader, preflightGuardrails } from './adapters/bedrock/guardrails.ts';
import { type AppliedStep, type ApplyOptions, PlanApplier } from './adapters/organizations/applier.ts';
import {
  describeEffectivePolicy,
  listAccountsWithInvalidEffectivePolicy,
  listEffectivePolicyValidationErrors,
} from './adapters/organizations/effective-policies.ts';
import { OrganizationsReader, type ReadProgress, startOfWalk } from './adapters/organizations/reader.ts';
import { Throttle } from './adapters/organizations/throttle.ts';
import { DEFAULT_VERIFY, type Verify } from './domain/contract.ts';
import type { DesiredState } from './domain/desired-state/types.ts';
import type { OrgSnapshot } from './domain/model.ts';
import type { TypeAnswers } from './domain/planner/fidelity.ts';
import { preflightRefusal } from './domain/planner/preflight.ts';
import { accountsToVerifyByType } from './domain/planner/type-fidelity.ts';
import {
  type Change,
  type InvalidAccount,
  type Plan,
  type PlanOptions,
  plan,
  type Verification,
} from './domain/planner.ts';
import type { PolicyType, PolicyTypeFacts } from './domain/policy-types/policy-type.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  guardrailsToCheck,
  type PreflightResult,
  VERSION_1_POLICY_TYPE,
} from './domain/policy-types/version-1.ts';

export interface SessionOptions {
  client: OrganizationsClient;
  /** Paces every call of the session (default: one at AWS's published rates, for the whole session). */
  throttle?: Throttle;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** How much of the local effective-policy computation AWS confirms (default `states`). */
  verify?: Verify;
  /** The most DescribeEffectivePolicy and ListEffectivePolicyValidationErrors calls of one confirmation, every policy type's together (default 200). */
  verifyCallLimit?: number;
  /** Waits between re-reads after apply while the writes are not yet visible (Organizations is eventually consistent). */
  rereadDelaysMs?: readonly number[];
  /** How apply reports its steps and waits between its own retries. */
  apply?: Omit<ApplyOptions, 'throttle'>;
  /** Reads the guardrails for the pre-flight (default: Bedrock, with the Organizations client's credentials). */
  guardrails?: Pick<GuardrailReader, 'observe'>;
}

/** An organization as read, with what AWS confirmed of its effective policies. */
export interface ConfirmedOrganization {
  snapshot: OrgSnapshot;
  verification: Verification;
}

/** A plan and the organization it was made from. */
export interface PlannedOrganization {
  snapshot: OrgSnapshot;
  plan: Plan;
}

export interface ApplyResult {
  before: Plan;
  steps: AppliedStep[];
  after: Plan;
  /** The organization `after` was planned from (the last re-read; `before`'s when nothing was applied). */
  snapshot: OrgSnapshot;
  /** No change apply can make is left (unmanaged findings and violations may remain). */
  converged: boolean;
  /** Reads of the policies after apply. */
  rereads: number;
  /** @deprecated The same number as `rereads`, under its old name. */
  verifyReads: number;
  /**
   * Set when apply wrote nothing because a guardrail the plan would enforce failed pre-flight
   * (`before.preflight`): why, in one sentence. `after` is then `before`.
   */
  refused?: string;
}

/** A read a deadline may stop: the snapshot, or the progress to continue from. */
export type ResumableRead =
  | { complete: true; snapshot: OrgSnapshot }
  | { complete: false; progress: ReadProgress };

const DEFAULT_REREAD_DELAYS_MS = [2_000, 5_000, 10_000];
/** At the assumed 2 calls a second (throttle.ts), 200 calls take under two minutes. */
export const DEFAULT_VERIFY_CALL_LIMIT = 200;

/** Changes apply carries out (an `unmanaged-policy` finding is reported, never acted on). */
export function actionableChanges(result: Plan) {
  return result.changes.filter((c) => c.action !== 'unmanaged-policy');
}

/** The policy types a plan's changes can be of, by their `policyType` (none: AI services opt-out). */
const TYPES_BY_NAME: ReadonlyMap<string | undefined, PolicyType> = new Map<string | undefined, PolicyType>([
  [undefined, VERSION_1_POLICY_TYPE],
  [BEDROCK_SECTION_POLICY_TYPE.facts.organizationsType, BEDROCK_SECTION_POLICY_TYPE],
]);

/** The changes of each type, in the plan's order within a type; a type this version cannot write is a bug. */
function changesByType(changes: readonly Change[]): [PolicyTypeFacts, Change[]][] {
  const byType = new Map<PolicyTypeFacts, Change[]>();
  for (const change of changes) {
    const facts = TYPES_BY_NAME.get(change.policyType)?.facts;
    if (!facts) throw new Error(`a change of policy type ${change.policyType}, which apply cannot write`);
    byType.set(facts, [...(byType.get(facts) ?? []), change]);
  }
  return [...byType];
}

/** The policy types besides AI opt-out whose policies `desired` needs read: Bedrock's for a `bedrock:` section. */
function otherTypesFor(desired: DesiredState | undefined): PolicyTypeFacts[] {
  return desired?.bedrock ? [desired.bedrock.policyType.facts] : [];
}

/**
 * The Organizations types of the policies a read for `desired` holds, AI opt-out's first: what a
 * snapshot's `capturedPolicyTypes` lists when there is more than AI opt-out, and what a continued read
 * must have been started for.
 */
export function policyTypesFor(desired: DesiredState | undefined): string[] {
  const others = otherTypesFor(desired).map((facts) => facts.organizationsType);
  return [VERSION_1_POLICY_TYPE.facts.organizationsType, ...others];
}

/** The `capturedPolicyTypes` of a read for `desired`; none when it holds AI opt-out's policies alone. */
function captured(desired: DesiredState | undefined): Pick<OrgSnapshot, 'capturedPolicyTypes'> {
  const types = policyTypesFor(desired);
  return types.length > 1 ? { capturedPolicyTypes: types } : {};
}

/** A promise that never settles: a branch of a race that must not win. */
const never = (): Promise<never> => new Promise<never>(() => {});

const stamp = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class OrganizationSession {
  readonly client: OrganizationsClient;
  /** Every call of the session waits its turn here, so its steps together keep to AWS's rates. */
  readonly throttle: Throttle;

  constructor(private readonly options: SessionOptions) {
    this.client = options.client;
    this.throttle = options.throttle ?? new Throttle({ rates: 'published' });
  }

  /** The organization: hierarchy, root and AI opt-out policies, read concurrently. */
  read(): Promise<OrgSnapshot> {
    return this.reader().read(this.now());
  }

  /**
   * The organization as `desired` needs it: `read`, and when the file has a `bedrock:` section the
   * Bedrock policies too (`capturedPolicyTypes` then lists both types).
   */
  async readFor(desired: DesiredState): Promise<OrgSnapshot> {
    const others = otherTypesFor(desired);
    if (others.length === 0) return this.read();
    const [snapshot, more] = await Promise.all([this.read(), this.readTypes(others)]);
    return { ...snapshot, policies: [...snapshot.policies, ...more], ...captured(desired) };
  }

  /**
   * The pre-flight of every guardrail the file's Bedrock policies would enforce, read from Bedrock in
   * each guardrail's Region (adapters/bedrock/guardrails.ts) and judged against the organization of
   * `snapshot`; undefined when the file has no `bedrock:` section. Pass the results to `plan` and
   * `apply` as `preflight`: apply then writes nothing while one has failed.
   */
  async preflight(desired: DesiredState, snapshot: OrgSnapshot): Promise<PreflightResult[] | undefined> {
    if (!desired.bedrock) return undefined;
    const reader =
      this.options.guardrails ?? new GuardrailReader({ credentials: this.client.config.credentials });
    return preflightGuardrails(reader, guardrailsToCheck(desired.bedrock.policies), {
      organizationId: snapshot.organization.id,
      rootId: snapshot.root.id,
      managementAccountId: snapshot.organization.managementAccountId,
    });
  }

  /**
   * Reads the organization, continuing from `from` when given, until `stop` aborts: then it returns the
   * progress made instead of a snapshot. The root and the policies are read afresh by every call (their
   * calls have rows of their own in AWS's throttling table) and kept only by the call that completes the
   * walk, so a snapshot assembled over several Lambda invocations still has current policies. Given
   * `desired`, the policies it needs besides AI opt-out's are read with them, as `readFor` reads them.
   */
  async readUntil(stop: AbortSignal, from?: ReadProgress, desired?: DesiredState): Promise<ResumableRead> {
    const reader = this.reader();
    const started = from ?? (await startRead(reader));
    const stopped = (hierarchy = started.hierarchy): ResumableRead => ({
      complete: false,
      progress: { organization: started.organization, hierarchy },
    });
    const others = otherTypesFor(desired);
    const fresh = Promise.all([reader.fetchRoot(), reader.readPolicies(), this.readTypes(others)]);
    // A failure of the policies ends the read at once (an access denied need not wait for the walk).
    const freshFailed = fresh.then(never, (error: unknown) =>
      stop.aborted ? never() : Promise.reject(error),
    );
    const hierarchy = await Promise.race([reader.walkHierarchy(started.hierarchy, stop), freshFailed]);
    if (hierarchy.pending.length > 0) return stopped(hierarchy);
    try {
      const [root, policies, more] = await fresh;
      const { organizationalUnits, accounts } = hierarchy;
      const { organization } = started;
      return {
        complete: true,
        snapshot: {
          snapshotVersion: 1,
          capturedAt: stamp(this.now()),
          organization,
          root,
          organizationalUnits,
          accounts,
          policies: [...policies, ...more],
          ...captured(desired),
        },
      };
    } catch (error) {
      if (stop.aborted) return stopped(hierarchy);
      throw error;
    }
  }

  /**
   * AWS's answers for the plan (planner/fidelity.ts), for every policy type the snapshot captures:
   * DescribeEffectivePolicy for one account per distinct effective state of the type (or every account),
   * then the accounts AWS lists with an invalid effective policy of the type and their validation errors.
   * Every per-account call of every type counts against one bound (first one account of each state of
   * each type, then the others, then the errors, types in order); an invalid account whose errors are
   * past it is still a violation.
   */
  async confirm(snapshot: OrgSnapshot): Promise<ConfirmedOrganization> {
    const verify = this.options.verify ?? DEFAULT_VERIFY;
    if (verify === 'none') return { snapshot, verification: { source: 'none', verify } };
    const callLimit = this.options.verifyCallLimit ?? DEFAULT_VERIFY_CALL_LIMIT;
    const types = [VERSION_1_POLICY_TYPE, ...this.otherCapturedTypes(snapshot)];
    const asked = accountsToVerifyByType(snapshot, verify, callLimit, types).map((each) => ({
      ...each,
      reader: this.reader(each.type.facts),
    }));
    // DescribeEffectivePolicy first, as ever: an endpoint that lacks these operations fails on it, whose
    // error says the way out (--verify none).
    const answered = await Promise.all(asked.map(({ reader, accountIds }) => askAbout(reader, accountIds)));
    const listed = await Promise.all(
      asked.map(({ reader }) => listAccountsWithInvalidEffectivePolicy(reader)),
    );
    const described = asked.reduce((sum, { accountIds }) => sum + accountIds.length, 0);
    const errorsRead = shareBound(
      callLimit - described,
      listed.map((accounts) => accounts.length),
    );
    const byType = await Promise.all(
      asked.map(async ({ reader, type }, i) => {
        const invalid = await readInvalidAccounts(reader, listed[i] ?? [], errorsRead[i] ?? 0);
        return [type.facts.organizationsType, { ...answered[i], ...invalid }] as [string, TypeAnswers];
      }),
    );
    return { snapshot, verification: { source: 'aws', verify, callLimit, ...awsAnswers(byType) } };
  }

  /** The desired state planned against the organization as confirmed (no call: the planner is pure). */
  plan(
    desired: DesiredState,
    organization: ConfirmedOrganization,
    options: PlanOptions = {},
  ): PlannedOrganization {
    const { snapshot, verification } = organization;
    return { snapshot, plan: plan(desired, snapshot, { ...options, verification }) };
  }

  /**
   * Carries out `planned.plan` (made just before from `planned.snapshot`), re-reads the policies until
   * the writes show or the re-read delays are spent, then confirms and plans the organization as it is now.
   */
  async apply(
    desired: DesiredState,
    planned: PlannedOrganization,
    options: PlanOptions = {},
  ): Promise<ApplyResult> {
    const before = planned.plan;
    if (actionableChanges(before).length === 0) {
      const unchanged = { before, steps: [], after: before, snapshot: planned.snapshot, converged: true };
      return { ...unchanged, rereads: 0, verifyReads: 0 };
    }
    const refused = preflightRefusal(before);
    if (refused) {
      const unchanged = { before, steps: [], after: before, snapshot: planned.snapshot, converged: false };
      return { ...unchanged, rereads: 0, verifyReads: 0, refused };
    }
    const steps: AppliedStep[] = [];
    for (const [policyType, changes] of changesByType(before.changes)) {
      const applier = new PlanApplier(this.client, {
        ...this.options.apply,
        throttle: this.throttle,
        policyType,
      });
      steps.push(...(await applier.apply(changes)));
    }
    const { snapshot, rereads } = await this.rereadUntilApplied(desired, planned.snapshot, options);
    // AWS confirms the organization as apply left it, once the re-reads see the writes.
    const after = this.plan(desired, await this.confirm(snapshot), options).plan;
    const converged = actionableChanges(after).length === 0;
    return { before, steps, after, snapshot, converged, rereads, verifyReads: rereads };
  }

  /** Re-reads the policies after apply until no change is left to make, or the delays are spent. */
  private async rereadUntilApplied(
    desired: DesiredState,
    earlier: OrgSnapshot,
    options: PlanOptions,
  ): Promise<{ snapshot: OrgSnapshot; rereads: number }> {
    const delays = this.options.rereadDelaysMs ?? DEFAULT_REREAD_DELAYS_MS;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; ; attempt++) {
      const snapshot = await this.rereadPolicies(earlier);
      const left = actionableChanges(plan(desired, snapshot, options)).length;
      if (left === 0 || attempt >= delays.length) return { snapshot, rereads: attempt + 1 };
      await sleep(delays[attempt] as number);
    }
  }

  /**
   * Reads what an apply can change (the root's policy types and the AI opt-out policies with their
   * targets), keeping the hierarchy of an earlier read: apply never moves accounts or OUs, so a re-read
   * costs a few calls per policy instead of a second walk of the whole organization.
   */
  private async rereadPolicies(earlier: OrgSnapshot): Promise<OrgSnapshot> {
    const reader = this.reader();
    const [root, policies, others] = await Promise.all([
      reader.fetchRoot(),
      reader.readPolicies(),
      this.readTypes(this.otherCapturedTypes(earlier).map((type) => type.facts)),
    ]);
    return { ...earlier, capturedAt: stamp(this.now()), root, policies: [...policies, ...others] };
  }

  /** The policies of types besides AI opt-out, each marked with its type. */
  private async readTypes(types: readonly PolicyTypeFacts[]): Promise<OrgSnapshot['policies']> {
    const read = await Promise.all(
      types.map(async (policyType) => {
        const policies = await this.reader(policyType).readPolicies();
        return policies.map((policy) => ({ ...policy, type: policyType.organizationsType }));
      }),
    );
    return read.flat();
  }

  /** The types besides AI opt-out whose policies the earlier read holds (its `capturedPolicyTypes`). */
  private otherCapturedTypes(earlier: OrgSnapshot): PolicyType[] {
    const captured = earlier.capturedPolicyTypes ?? [];
    return [...TYPES_BY_NAME.values()].filter(
      (type) => type !== VERSION_1_POLICY_TYPE && captured.includes(type.facts.organizationsType),
    );
  }

  /** A reader for one step: it keeps the root it read for that step only; the throttle is the session's. */
  private reader(policyType?: PolicyTypeFacts): OrganizationsReader {
    return new OrganizationsReader(this.client, {
      throttle: this.throttle,
      ...(policyType ? { policyType } : {}),
    });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** The start of a fresh read: the organization and its root, the walk's first parent. */
async function startRead(reader: OrganizationsReader): Promise<ReadProgress> {
  const [organization, root] = await Promise.all([reader.describeOrganization(), reader.readRoot()]);
  return { organization, hierarchy: startOfWalk(root.id) };
}

type Answered = Pick<TypeAnswers, 'answers' | 'calls'>;

/** The answers of AI opt-out (the first type) at the top, the other types' by their name. */
function awsAnswers(
  byType: readonly [string, TypeAnswers][],
): TypeAnswers & { otherTypes?: ReadonlyMap<string, TypeAnswers> } {
  const [[, own] = ['', { answers: new Map(), calls: 0, invalidAccounts: [] }], ...others] = byType;
  return { ...own, ...(others.length > 0 ? { otherTypes: new Map(others) } : {}) };
}

/** DescribeEffectivePolicy of each account, concurrently (the throttle paces them). */
async function askAbout(reader: OrganizationsReader, accountIds: readonly string[]): Promise<Answered> {
  const answers = new Map<string, { content: string | undefined }>();
  await Promise.all(
    accountIds.map(async (accountId) => {
      const answer = await describeEffectivePolicy(reader, accountId);
      if (answer) answers.set(accountId, answer);
    }),
  );
  return { answers, calls: accountIds.length };
}

/** What is left of a bound, given to each claim in order, each at most what it asks. */
function shareBound(left: number, claims: readonly number[]): number[] {
  let remaining = Math.max(left, 0);
  return claims.map((claim) => {
    const given = Math.min(claim, remaining);
    remaining -= given;
    return given;
  });
}

/**
 * The accounts AWS lists with an invalid effective policy, with the validation errors of the first
 * `errorsRead`. One that left the organization between the listing and its errors is set apart: it is
 * no member to hold to the desired state.
 */
async function readInvalidAccounts(
  reader: OrganizationsReader,
  listed: readonly { accountId: string; accountName: string }[],
  errorsRead: number,
): Promise<{ invalidAccounts: InvalidAccount[]; leftOrganization: string[] }> {
  // undefined: the account left the organization; null: its errors are past the bound, not read.
  const errors = await Promise.all(
    listed.map((account, i) =>
      i < errorsRead ? listEffectivePolicyValidationErrors(reader, account.accountId) : null,
    ),
  );
  return {
    invalidAccounts: listed.flatMap((account, i) => {
      const read = errors[i];
      return read === undefined ? [] : [{ ...account, errors: read ?? undefined }];
    }),
    leftOrganization: listed.filter((_, i) => errors[i] === undefined).map((a) => a.accountId),
  };
}
