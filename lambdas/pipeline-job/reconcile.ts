/**
 * The job's work once it is admitted (admission.ts), as its steps: read the input
 * artifact and the desired state, choose the mode, read the organization (resumable), plan with what
 * AWS confirms of the effective policies, apply and verify (enforce), write the report artifact, decide the outcome.
 */
import type { Mode } from '../domain/contract.ts';
import type { DesiredState } from '../domain/desired-state/types.ts';
import { ConfigurationError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import type { Plan } from '../domain/planner.ts';
import { applyPlanned, planConfirmed } from '../reconciler.ts';
import type { AdmittedJob } from './admission.ts';
import { readInput } from './input.ts';
import type { JobRun } from './job-run.ts';
import { emitMetrics } from './metrics.ts';
import { continueLater, type OrganizationRun, openOrganization, readOrganization } from './organization.ts';
import { decideOutcome, type Outcome, type Reconciled } from './outcome.ts';
import type { UserParameters } from './parameters.ts';
import { publishSnapshot } from './publish-snapshot.ts';
import { writeReportArtifact } from './report-artifact.ts';
import { publishFindings } from './security-hub.ts';

export async function reconcileJob({ job, params, trigger }: AdmittedJob, run: JobRun): Promise<Outcome> {
  const input = await readInput(job, params, run);
  const mode = modeOf(params, input.state, run);
  const organization = await openOrganization(job, params, mode, run);
  logStart(params, input, organization, run);
  const read = await readOrganization(organization, run);
  if ('outcome' in read) return read.outcome;
  const reconciled = await planAndApply(input.state, read.snapshot, organization, run);
  if ('outcome' in reconciled) return reconciled.outcome;
  logResult(reconciled.result, run);
  await publishSnapshot(reconciled.applied?.snapshot ?? read.snapshot, run);
  emitMetrics(reconciled.result, trigger, run);
  await writeReportArtifact(job, input, reconciled, run, trigger);
  await publishFindings(reconciled.result, job, run);
  return decideOutcome(reconciled, mode, params, input.revision);
}

/** The parameters' mode, else the file's; enforce only where the deployment granted the write role. */
function modeOf(params: UserParameters, state: DesiredState, { deps }: JobRun): Mode {
  const mode = params.mode ?? state.mode;
  if (mode === 'enforce' && deps.modeCeiling !== 'enforce') {
    throw new ConfigurationError(
      'mode is enforce, but this deployment is read-only (AI_OPTOUT_MODE_CEILING=audit): its role cannot write to Organizations. Run in audit mode, or redeploy the stack with mode enforce.',
    );
  }
  return mode;
}

/**
 * Plans; in enforce mode carries the plan out and verifies it. An apply cut by the deadline continues
 * in the next invocation (apply is idempotent: the next plan has only what is left).
 */
async function planAndApply(
  state: DesiredState,
  snapshot: OrgSnapshot,
  organization: OrganizationRun,
  run: JobRun,
): Promise<Reconciled | { outcome: Outcome }> {
  const { mode } = organization;
  const planned = { snapshot, plan: await planConfirmed(state, snapshot, organization.options, { mode }) };
  run.deadline.check();
  if (mode !== 'enforce') return { result: planned.plan, applied: undefined };
  run.log.info({ summary: planned.plan.summary, changes: planned.plan.changes.length }, 'plan before apply');
  try {
    const applied = await applyPlanned(state, planned, organization.options, { mode });
    return { result: applied.after, applied };
  } catch (error) {
    if (!run.deadline.signal.aborted) throw error;
    const { organization: org, organizationalUnits, accounts } = snapshot;
    const progress = { organization: org, hierarchy: { organizationalUnits, accounts, pending: [] } };
    return { outcome: await continueLater(progress, 'applying', organization, run) };
  }
}

function logStart(
  params: UserParameters,
  input: { state: DesiredState; revision: string | undefined },
  organization: OrganizationRun,
  { log }: JobRun,
): void {
  log.info(
    {
      mode: organization.mode,
      configPath: params.configPath,
      revision: input.revision,
      policies: input.state.policies.length,
      continued: Boolean(organization.progress),
      firstJobId: organization.firstJobId,
    },
    'reconciling',
  );
}

function logResult(result: Plan, { log }: JobRun): void {
  log.info(
    {
      verdict: result.verdict,
      changes: result.changes.length,
      violations: result.violations.length,
      effectiveChanges: result.effectiveChanges.length,
      accounts: result.accounts.total,
    },
    result.summary,
  );
}
