/**
 * The reconciler: read the organization, plan, and in enforce mode apply then verify by reading and
 * planning again. Shared by the CLI and the pipeline Lambda; AWS clients are passed in.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type AppliedStep, type ApplyOptions, PlanApplier } from './adapters/organizations/applier.ts';
import {
  describeEffectivePolicy,
  listAccountsWithInvalidEffectivePolicy,
  listEffectivePolicyValidationErrors,
} from './adapters/organizations/effective-policies.ts';
import {
  type HierarchyProgress,
  OrganizationsReader,
  type ReadProgress,
  startOfWalk,
} from './adapters/organizations/reader.ts';
import { Throttle } from './adapters/organizations/throttle.ts';
import { DEFAULT_VERIFY, type Verify } from './domain/contract.ts';
import type { DesiredState } from './domain/desired-state/types.ts';
import type { OrgSnapshot } from './domain/model.ts';
import {
  accountsToVerify,
  type InvalidAccount,
  type Plan,
  type PlanOptions,
  plan,
  type Verification,
} from './domain/planner.ts';

export interface ReconcileOptions {
  client: OrganizationsClient;
  throttle?: Throttle;
  now?: () => Date;
  apply?: Omit<ApplyOptions, 'throttle'>;
  /** Re-reads after apply while writes are not yet visible (Organizations is eventually consistent). */
  verifyDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** How much of the local computation AWS confirms (default `states`). */
  verify?: Verify;
  /** The most DescribeEffectivePolicy and ListEffectivePolicyValidationErrors calls of one check (default 200). */
  verifyCallLimit?: number;
}

interface PlannedOrganization {
  snapshot: OrgSnapshot;
  plan: Plan;
}

export interface ApplyResult {
  before: Plan;
  steps: AppliedStep[];
  after: Plan;
  /** The organization `after` was planned from (the last read after apply; `before`'s when nothing was applied). */
  snapshot: OrgSnapshot;
  /** No change apply can make is left (unmanaged findings and violations may remain). */
  converged: boolean;
  /** Reads of the organization after apply. */
  verifyReads: number;
}

const DEFAULT_VERIFY_DELAYS_MS = [2_000, 5_000, 10_000];
/** At the assumed 2 calls a second (throttle.ts), 200 calls take under two minutes. */
export const DEFAULT_VERIFY_CALL_LIMIT = 200;

/** Changes apply carries out (an `unmanaged-policy` finding is reported, never acted on). */
export function actionableChanges(result: Plan) {
  return result.changes.filter((c) => c.action !== 'unmanaged-policy');
}

function throttleOf(options: ReconcileOptions): Throttle {
  return options.throttle ?? new Throttle({ rates: 'published' });
}

/** A promise that never settles: a branch of a race that must not win. */
const never = (): Promise<never> => new Promise<never>(() => {});

type ResumableRead = { complete: true; snapshot: OrgSnapshot } | { complete: false; progress: ReadProgress };

/**
 * Reads the organization, continuing from `progress` when given. When `stop` is aborted it returns the
 * progress made instead of a snapshot. The root and the AI opt-out policies are read fresh in every
 * invocation, alongside the walk (their calls have rows of their own in AWS's throttling table), and
 * kept only by the invocation that completes the walk, so a snapshot assembled over several
 * invocations still has current policies.
 */
export async function readResumable(
  options: ReconcileOptions,
  progress?: ReadProgress,
  stop?: AbortSignal,
): Promise<ResumableRead> {
  const reader = new OrganizationsReader(options.client, { throttle: throttleOf(options) });
  let organization: OrgSnapshot['organization'];
  let hierarchy: HierarchyProgress;
  if (progress) {
    organization = progress.organization;
    hierarchy = progress.hierarchy;
  } else {
    const [described, root] = await Promise.all([reader.describeOrganization(), reader.readRoot()]);
    organization = described;
    hierarchy = startOfWalk(root.id);
  }
  const stopped = (): ResumableRead => ({ complete: false, progress: { organization, hierarchy } });
  const fresh = Promise.all([reader.fetchRoot(), reader.readPolicies()]);
  // A failure of the policies ends the read at once (an access denied need not wait for the walk).
  const freshFailed = fresh.then(never, (error: unknown) =>
    stop?.aborted ? never() : Promise.reject(error),
  );
  hierarchy = await Promise.race([reader.walkHierarchy(hierarchy, stop), freshFailed]);
  if (hierarchy.pending.length > 0) return stopped();
  try {
    const [root, policies] = await fresh;
    return {
      complete: true,
      snapshot: {
        snapshotVersion: 1,
        capturedAt: (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        organization,
        root,
        organizationalUnits: hierarchy.organizationalUnits,
        accounts: hierarchy.accounts,
        policies,
      },
    };
  } catch (error) {
    if (stop?.aborted) return stopped();
    throw error;
  }
}

export async function readLive(options: ReconcileOptions): Promise<OrgSnapshot> {
  return new OrganizationsReader(options.client, { throttle: throttleOf(options) }).read(
    options.now?.() ?? new Date(),
  );
}

export async function planLive(
  desired: DesiredState,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<PlannedOrganization> {
  const snapshot = await readLive(options);
  return { snapshot, plan: await planConfirmed(desired, snapshot, options, planOptions) };
}

/** Plans a live read with what AWS says of its effective policies (`options.verify`). */
export async function planConfirmed(
  desired: DesiredState,
  snapshot: OrgSnapshot,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<Plan> {
  const verification = await askAws(snapshot, options);
  return plan(desired, snapshot, { ...planOptions, verification });
}

/**
 * AWS's answers for the plan (planner/fidelity.ts): DescribeEffectivePolicy for one account per distinct
 * effective state (or every account), then the accounts AWS lists with an invalid effective policy and
 * their validation errors. The two kinds of per-account call share one bound; an invalid account whose
 * errors are past it is still a violation.
 */
export async function askAws(snapshot: OrgSnapshot, options: ReconcileOptions): Promise<Verification> {
  const verify = options.verify ?? DEFAULT_VERIFY;
  if (verify === 'none') return { source: 'none', verify };
  const callLimit = options.verifyCallLimit ?? DEFAULT_VERIFY_CALL_LIMIT;
  const reader = new OrganizationsReader(options.client, { throttle: throttleOf(options) });
  const { accountIds } = accountsToVerify(snapshot, verify, callLimit);
  const answers = new Map<string, { content: string | undefined }>();
  await Promise.all(
    accountIds.map(async (accountId) => {
      const answer = await describeEffectivePolicy(reader, accountId);
      if (answer) answers.set(accountId, answer);
    }),
  );
  const { invalidAccounts, leftOrganization } = await readInvalidAccounts(
    reader,
    callLimit - accountIds.length,
  );
  return {
    source: 'aws',
    verify,
    answers,
    calls: accountIds.length,
    callLimit,
    invalidAccounts,
    leftOrganization,
  };
}

/**
 * The accounts AWS lists with an invalid effective policy, with the validation errors of the first
 * `errorsRead`. One that left the organization between the listing and its errors is set apart: it is
 * no member to hold to the desired state.
 */
async function readInvalidAccounts(
  reader: OrganizationsReader,
  errorsRead: number,
): Promise<{ invalidAccounts: InvalidAccount[]; leftOrganization: string[] }> {
  const listed = await listAccountsWithInvalidEffectivePolicy(reader);
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

/**
 * Reads what an apply can change (the root's policy types and the AI opt-out policies with their
 * targets), keeping the hierarchy of an earlier read: apply never moves accounts or OUs, so verifying
 * costs a few calls per policy instead of a second walk of the whole organization.
 */
async function rereadPolicies(earlier: OrgSnapshot, options: ReconcileOptions): Promise<OrgSnapshot> {
  const reader = new OrganizationsReader(options.client, { throttle: throttleOf(options) });
  const [root, policies] = await Promise.all([reader.fetchRoot(), reader.readPolicies()]);
  return {
    ...earlier,
    capturedAt: (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    root,
    policies,
  };
}

/** Carries out `planned.plan` (made just before from `planned.snapshot`), then reads and plans again to verify. */
export async function applyPlanned(
  desired: DesiredState,
  planned: PlannedOrganization,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<ApplyResult> {
  const before = planned.plan;
  if (actionableChanges(before).length === 0) {
    return { before, steps: [], after: before, snapshot: planned.snapshot, converged: true, verifyReads: 0 };
  }
  const throttle = throttleOf(options);
  const applier = new PlanApplier(options.client, { ...options.apply, throttle });
  const steps = await applier.apply(before.changes);
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const delays = options.verifyDelaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  let after: Plan;
  let verifyReads = 0;
  let snapshot: OrgSnapshot;
  for (let attempt = 0; ; attempt++) {
    snapshot = await rereadPolicies(planned.snapshot, { ...options, throttle });
    verifyReads++;
    after = plan(desired, snapshot, planOptions);
    if (actionableChanges(after).length === 0 || attempt >= delays.length) break;
    await sleep(delays[attempt] as number);
  }
  // AWS confirms the organization as apply left it, once the re-reads see the writes.
  after = await planConfirmed(desired, snapshot, { ...options, throttle }, planOptions);
  return { before, steps, after, snapshot, converged: actionableChanges(after).length === 0, verifyReads };
}
