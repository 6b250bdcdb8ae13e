/**
 * The organization steps of a job: the Organizations client bounded by the deadline, the read (which
 * may continue one an earlier invocation saved), and, when the deadline comes first, the progress
 * saved to the state bucket so that CodePipeline re-invokes the function to continue.
 */
import { boundedClient } from '../adapters/aws/bounded-calls.ts';
import type { ReadProgress } from '../adapters/organizations/reader.ts';
import { Throttle } from '../adapters/organizations/throttle.ts';
import type { Mode } from '../domain/contract.ts';
import { ConfigurationError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import { type ReconcileOptions, readResumable } from '../reconciler.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobRun } from './job-run.ts';
import type { Outcome } from './outcome.ts';
import type { UserParameters } from './parameters.ts';

/** The most a continuation save may take, out of RESERVE_MS (reporting needs the rest). */
const RESERVE_SHARE_FOR_SAVE_MS = 15_000;

/** An organization being reconciled by this job, possibly over several invocations. */
export interface OrganizationRun {
  mode: Mode;
  options: ReconcileOptions;
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
  mode: Mode,
  run: JobRun,
): Promise<OrganizationRun> {
  const { deps, deadline, log } = run;
  deadline.begin(organizationStep(mode));
  const client = boundedClient(
    deps.organizations(params.roleArn, { signal: deadline.signal, watch: run.watch }),
    deadline.signal,
    run.watch,
  );
  const options: ReconcileOptions = {
    client,
    throttle: new Throttle({ rates: deps.pace, signal: deadline.signal }),
    sleep: deps.sleep,
    now: deps.now,
    verify: params.verify,
    apply: { sleep: deps.sleep, onStep: (step: object) => log.info({ step }, 'apply step') },
    ...(deps.verifyDelaysMs ? { verifyDelaysMs: deps.verifyDelaysMs } : {}),
  };
  const token = job.data.continuationToken;
  if (token && !deps.continuations) {
    throw new ConfigurationError(
      'this job continues an earlier one, but the function has no state bucket (AI_OPTOUT_STATE_BUCKET) to read its progress from',
    );
  }
  const continued = token ? await deps.continuations?.load(token, deadline.signal) : undefined;
  // The token is the event's: only progress this pipeline execution saved is picked up.
  if (continued && continued.pipelineExecutionId !== params.pipelineExecutionId)
    throw new ConfigurationError(
      `the continuation token names the progress of another pipeline execution (${continued.pipelineExecutionId}), not of ${params.pipelineExecutionId}; nothing was read or written`,
    );
  return {
    mode,
    options,
    firstJobId: continued?.firstJobId ?? run.jobId,
    pipelineExecutionId: params.pipelineExecutionId,
    progress: continued?.progress,
  };
}

/** Reads the organization, or returns the continuation outcome when the deadline stops the read first. */
export async function readOrganization(
  organization: OrganizationRun,
  run: JobRun,
): Promise<{ snapshot: OrgSnapshot } | { outcome: Outcome }> {
  const read = await readResumable(organization.options, organization.progress, run.deadline.signal);
  if (read.complete) return { snapshot: read.snapshot };
  return { outcome: await continueLater(read.progress, 'reading the organization', organization, run) };
}

/** Saves the progress made and returns the continuation outcome (the next invocation picks it up). */
export async function continueLater(
  progress: ReadProgress,
  doing: string,
  organization: OrganizationRun,
  run: JobRun,
): Promise<Outcome> {
  const { deps, deadline } = run;
  if (!deps.continuations) throw deadline.signal.reason;
  const { hierarchy } = progress;
  const read = hierarchy.organizationalUnits.length + 1;
  const percentComplete = Math.max(
    1,
    Math.min(95, Math.floor((read / (read + hierarchy.pending.length)) * 90)),
  );
  // The save gets a third of the reserve, so a state bucket that does not answer still leaves time to report.
  const saveBy = AbortSignal.any([deadline.reportSignal, AbortSignal.timeout(RESERVE_SHARE_FOR_SAVE_MS)]);
  const token = await deps.continuations.save(
    {
      version: 2,
      firstJobId: organization.firstJobId,
      pipelineExecutionId: organization.pipelineExecutionId,
      createdAt: deps.now().toISOString(),
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
  return { kind: 'continue', summary, token, percentComplete };
}
