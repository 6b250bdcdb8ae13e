/**
 * The organization steps of a job, through one organization session (organization-session.ts) whose
 * client is bounded by the deadline: the read (which may continue one an earlier invocation saved), the
 * guardrail pre-flight of a file with a `bedrock:` section, the confirmation, the plan and, in enforce
 * mode, the apply; when the deadline comes first, the progress is saved to the state bucket so that
 * CodePipeline re-invokes the function to continue.
 */

import { boundedClient } from '../adapters/aws/bounded-calls.ts';
import { GuardrailReader } from '../adapters/bedrock/guardrails.ts';
import type { ReadProgress } from '../adapters/organizations/reader.ts';
import { Throttle } from '../adapters/organizations/throttle.ts';
import type { Mode } from '../domain/contract.ts';
import type { DesiredState } from '../domain/desired-state/types.ts';
import { ConfigurationError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import type { Plan } from '../domain/planner.ts';
import { type ApplyResult, OrganizationSession, policyTypesFor } from '../organization-session.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobRun } from './job-run.ts';
import type { UserParameters } from './parameters.ts';
import { type JobResult, SUMMARY_LIMIT } from './result.ts';

/** The most a continuation save may take, out of RESERVE_MS (reporting needs the rest). */
const RESERVE_SHARE_FOR_SAVE_MS = 15_000;

/** An organization being reconciled by this job, possibly over several invocations. */
export interface OrganizationRun {
  mode: Mode;
  /** The desired state the run reconciles: it says which policy types are read. */
  desired: DesiredState;
  session: OrganizationSession;
  /** The job that started the run; continued jobs have ids of their own. */
  firstJobId: string;
  /** The confirmed pipeline execution the run belongs to (its continuation state names it). */
  pipelineExecutionId: string;
  /** What an earlier invocation of the run read, when this job continues it. */
  progress: ReadProgress | undefined;
}

/** The deadline's step while the organization is read (and, in enforce mode, changed). */
function organizationStep(mode: Mode): { doing: string; hint: string } {
  const enforce = mode === 'enforce';
  return {
    doing: `${enforce ? 'reading, applying and verifying' : 'reading'} the organization`,
    hint: `${enforce ? 'Apply is idempotent: the next run continues where this one stopped. ' : ''}Raise the function timeout (up to 15 minutes) for an organization this large, or set AI_OPTOUT_STATE_BUCKET so the run continues in another invocation.`,
  };
}

/** Connects to Organizations (through the role, when the parameters name one) and picks up a continued run. */
export async function openOrganization(
  job: CodePipelineJob,
  params: UserParameters & { pipelineExecutionId: string },
  { mode, desired }: Pick<OrganizationRun, 'mode' | 'desired'>,
  run: JobRun,
): Promise<OrganizationRun> {
  const { deps, deadline, log } = run;
  deadline.begin(organizationStep(mode));
  const client = boundedClient(
    deps.organizations(params.roleArn, { signal: deadline.signal, watch: run.watch }),
    deadline.signal,
    run.watch,
  );
  const session = new OrganizationSession({
    client,
    throttle: new Throttle({ rates: deps.pace, signal: deadline.signal }),
    sleep: deps.sleep,
    now: deps.now,
    verify: params.verify,
    apply: { sleep: deps.sleep, onStep: (step: object) => log.info({ step }, 'apply step') },
    ...(deps.timing?.rereadDelaysMs ? { rereadDelaysMs: deps.timing.rereadDelaysMs } : {}),
    // Bedrock is asked in each guardrail's Region, as the management account: the credentials of the
    // Organizations client (the role in roleArn, when given), every call bounded by the deadline.
    guardrails: new GuardrailReader({
      credentials: client.config.credentials,
      watch: run.watch,
      abortSignal: deadline.signal,
      ...(deps.bedrockEndpoint ? { endpoint: deps.bedrockEndpoint } : {}),
    }),
  });
  const token = job.data.continuationToken;
  const continuations = deps.stateBucket?.continuations;
  if (token && !continuations) {
    throw new ConfigurationError(
      'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
    );
  }
  const continued = token ? await continuations?.load(token, deadline.signal) : undefined;
  // The token is the event's: only progress this pipeline execution saved is picked up.
  if (continued && continued.pipelineExecutionId !== params.pipelineExecutionId)
    throw new ConfigurationError(
      `the continuation token names the progress of another pipeline execution (${continued.pipelineExecutionId}), not of ${params.pipelineExecutionId}; nothing was read or written`,
    );
  if (continued) refuseOtherTypes(continued.policyTypes, desired, params.configPath);
  return {
    mode,
    desired,
    session,
    firstJobId: continued?.firstJobId ?? run.jobId,
    pipelineExecutionId: params.pipelineExecutionId,
    progress: continued?.progress,
  };
}

/**
 * A continued read must have been started for the policy types this file needs: the policies of a type
 * it did not read would be missing from the plan (a Bedrock policy read as absent would be created
 * again). A state saved before there were two types read AI opt-out's alone.
 */
function refuseOtherTypes(saved: readonly string[] | undefined, desired: DesiredState, file: string): void {
  const read = saved ?? policyTypesFor(undefined);
  const needed = policyTypesFor(desired);
  if (read.join() === needed.join()) return;
  throw new ConfigurationError(
    `the continuation token names a read of the ${read.join(' and ')} policies, but ${file} needs the ${needed.join(' and ')} policies; nothing was read or written: run the pipeline again so that one read covers them`,
  );
}

/** Reads the organization, or the continuation result when the deadline stops the read first. */
export async function readOrganization(
  organization: OrganizationRun,
  run: JobRun,
): Promise<{ snapshot: OrgSnapshot } | { continued: JobResult }> {
  const { session, progress, desired } = organization;
  const read = await session.readUntil(run.deadline.signal, progress, desired);
  if (read.complete) return { snapshot: read.snapshot };
  return { continued: await continueLater(read.progress, 'reading the organization', organization, run) };
}

/** The organization after the job: the plan of the state it is in now, and what apply did (enforce). */
export interface Reconciled {
  result: Plan;
  applied: ApplyResult | undefined;
  /** The organization as the run last read it. */
  snapshot: OrgSnapshot;
}

/**
 * Checks the guardrails of a `bedrock:` section, confirms and plans; in enforce mode carries the plan
 * out. A guardrail that failed pre-flight makes apply write nothing (`applied.refused`). An apply cut by
 * the deadline continues in the next invocation (apply is idempotent: the next plan has only what is left).
 */
export async function planAndApply(
  state: DesiredState,
  snapshot: OrgSnapshot,
  organization: OrganizationRun,
  run: JobRun,
): Promise<Reconciled | { continued: JobResult }> {
  const { mode, session } = organization;
  const preflight = await session.preflight(state, snapshot);
  const options = { mode, ...(preflight ? { preflight } : {}) };
  const planned = session.plan(state, await session.confirm(snapshot), options);
  run.deadline.check();
  if (mode !== 'enforce') return { result: planned.plan, applied: undefined, snapshot };
  run.log.info({ summary: planned.plan.summary, changes: planned.plan.changes.length }, 'plan before apply');
  try {
    const applied = await session.apply(state, planned, options);
    if (applied.refused) run.log.error({ refused: applied.refused }, 'apply refused');
    return { result: applied.after, applied, snapshot: applied.snapshot };
  } catch (error) {
    if (!run.deadline.signal.aborted) throw error;
    const { organization: org, organizationalUnits, accounts } = snapshot;
    const progress = { organization: org, hierarchy: { organizationalUnits, accounts, pending: [] } };
    return { continued: await continueLater(progress, 'applying', organization, run) };
  }
}

/**
 * The share of the work done, as CodePipeline shows a continued job: the OUs read of those known, as at
 * most 90 % (planning and reporting are still to come), and at least 1 %.
 */
export function percentComplete(read: number, pending: number): number {
  return Math.max(1, Math.floor((read / (read + pending)) * 90));
}

/** Saves the progress made and returns the continuation result (the next invocation picks it up). */
export async function continueLater(
  progress: ReadProgress,
  doing: string,
  organization: OrganizationRun,
  run: JobRun,
): Promise<JobResult> {
  const { deps, deadline } = run;
  const continuations = deps.stateBucket?.continuations;
  if (!continuations) throw deadline.signal.reason;
  const { hierarchy } = progress;
  // The save gets a third of the reserve, so a state bucket that does not answer still leaves time to report.
  const saveBy = AbortSignal.any([deadline.reportSignal, AbortSignal.timeout(RESERVE_SHARE_FOR_SAVE_MS)]);
  const token = await continuations.save(
    {
      version: 2,
      firstJobId: organization.firstJobId,
      pipelineExecutionId: organization.pipelineExecutionId,
      createdAt: deps.now().toISOString(),
      policyTypes: policyTypesFor(organization.desired),
      progress,
    },
    saveBy,
  );
  const summary = `${doing}: ${hierarchy.organizationalUnits.length} OUs and ${hierarchy.accounts.length} accounts read, ${hierarchy.pending.length} OUs left; continuing in the next invocation (mode ${organization.mode})`;
  run.log.info(
    {
      pending: hierarchy.pending.length,
      ous: hierarchy.organizationalUnits.length,
      accounts: hierarchy.accounts.length,
    },
    summary,
  );
  const percent = percentComplete(hierarchy.organizationalUnits.length + 1, hierarchy.pending.length);
  return { kind: 'continue', summary: summary.slice(0, SUMMARY_LIMIT), token, percentComplete: percent };
}
