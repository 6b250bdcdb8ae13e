/**
 * What a finished run writes besides its result, as rows of one table (job.ts holds the table): each row
 * names the output, says in words when it is written, where it goes in this run (nowhere: it is not
 * configured, and is skipped), what a failure to write it does to the job, and the function that writes it.
 */
import type { Mode } from '../domain/contract.ts';
import { describeError } from '../domain/errors.ts';
import type { OrgSnapshot } from '../domain/model.ts';
import type { Plan } from '../domain/planner.ts';
import type { ApplyResult } from '../organization-session.ts';
import type { CodePipelineJob } from './event.ts';
import type { JobInput } from './input.ts';
import type { JobRun } from './job-run.ts';
import type { Reports } from './report-artifact.ts';

/**
 * What a failure to write an output does: `fail-job` fails the job with the error's failure type (the
 * deployment asked for the output, and a silent gap would read as compliant); `log-error` and
 * `log-warning` log it at that level and the result stands. Past the work deadline every output fails the
 * job with the deadline, whatever its policy: there is no time left to go on.
 */
export type FailurePolicy = 'fail-job' | 'log-error' | 'log-warning';

/** A run that planned (and, in enforce mode, applied): what its outputs are written from. */
export interface FinishedRun {
  job: CodePipelineJob;
  input: JobInput;
  /** What started the run, from the pipeline execution (confirm.ts). */
  trigger: string | undefined;
  mode: Mode;
  /** The plan of the organization as it is now (after apply, in enforce mode). */
  result: Plan;
  applied: ApplyResult | undefined;
  /** The organization as this run last read it. */
  snapshot: OrgSnapshot;
  /** The run's reports, rendered once for every output that carries them. */
  reports: Reports;
}

export interface JobOutput<Target> {
  name: string;
  /** When it is written, in words (docs/pipeline-job.md says the same). */
  when: string;
  onFailure: FailurePolicy;
  /** Where it goes in this run; undefined when it is not configured (then it is not written). */
  target(finished: FinishedRun, run: JobRun): Target | undefined;
  write(target: Target, finished: FinishedRun, run: JobRun): Promise<void> | void;
}

/** A row of the outputs table: a JobOutput whose target's type is its own business. */
export interface OutputRow extends Omit<JobOutput<unknown>, 'target' | 'write'> {
  /** Writes the output if it has a target; whether it did. */
  writeIfTargeted(finished: FinishedRun, run: JobRun): Promise<boolean>;
}

export function output<Target>({ target, write, ...row }: JobOutput<Target>): OutputRow {
  return {
    ...row,
    async writeIfTargeted(finished, run) {
      const to = target(finished, run);
      if (to === undefined) return false;
      await write(to, finished, run);
      return true;
    },
  };
}

/** Writes each output in the table's order, applying its failure policy. */
export async function writeOutputs(
  rows: readonly OutputRow[],
  finished: FinishedRun,
  run: JobRun,
): Promise<void> {
  for (const row of rows) {
    try {
      await row.writeIfTargeted(finished, run);
    } catch (error) {
      run.deadline.check();
      if (row.onFailure === 'fail-job') throw error;
      const level = row.onFailure === 'log-error' ? 'error' : 'warn';
      run.log[level]({ output: row.name, err: describeError(error) }, `the ${row.name} could not be written`);
    }
  }
}
