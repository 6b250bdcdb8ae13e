/**
 * What `plan` plans against and compares with: the organization (live, a snapshot file, or a published
 * snapshot at s3://…, whose age is checked), and for a pull request the desired state at its base
 * (`--base-config`): the report then carries the pull request's own part (docs/pull-requests.md).
 */
import { readDesiredStateFile, readSnapshotFile } from '../../lambdas/adapters/files.ts';
import { DEFAULT_VERIFY } from '../../lambdas/domain/contract.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';
import { ConfigurationError } from '../../lambdas/domain/errors.ts';
import type { OrgSnapshot } from '../../lambdas/domain/model.ts';
import { snapshotVerification, type Verification } from '../../lambdas/domain/planner/fidelity.ts';
import { type Plan, type PlanOptions, plan } from '../../lambdas/domain/planner.ts';
import { pullRequestPart } from '../../lambdas/domain/pull-request.ts';
import { isS3Url } from '../../lambdas/domain/s3-url.ts';
import {
  checkSnapshotAge,
  DEFAULT_MAX_SNAPSHOT_AGE,
  parseDuration,
} from '../../lambdas/domain/snapshot-age.ts';
import type { CliIo, LiveFlags } from './io.ts';

export interface PlanSourceFlags extends LiveFlags {
  snapshot?: string | undefined;
  /** Given explicitly (`--max-snapshot-age`): an older snapshot is an error. */
  maxSnapshotAge?: { text: string; ms: number } | undefined;
  baseConfig?: string | undefined;
  strict?: true | undefined;
}

/**
 * The organization: from the snapshot file or URL, or read live (the SDK loaded only then), with what AWS
 * says of its effective policies (`--verify`). Only a live read can be confirmed: a snapshot has no AWS to
 * ask, and the report says the effective policies are not confirmed. One set of live options serves the
 * read and the confirmation, so the role is assumed once.
 */
async function readOrganization(
  io: CliIo,
  flags: PlanSourceFlags,
  stop: AbortSignal,
): Promise<{ snapshot: OrgSnapshot; verification: Verification }> {
  const fromSnapshot = snapshotVerification(flags.verify ?? DEFAULT_VERIFY);
  if (flags.snapshot && !isS3Url(flags.snapshot))
    return { snapshot: await readSnapshotFile(flags.snapshot), verification: fromSnapshot };
  const live = await import('./live.ts');
  if (flags.snapshot)
    return { snapshot: await live.readSnapshotUrl(flags.snapshot, stop), verification: fromSnapshot };
  const { askAws, readLive } = await import('../../lambdas/reconciler.ts');
  const options = live.liveOptions(io, flags, stop);
  const snapshot = await readLive(options);
  return { snapshot, verification: await askAws(snapshot, options) };
}

/** The base's plan on the same organization; a base that does not load or plan is named as the base. */
async function planBase(
  file: string,
  flags: PlanSourceFlags,
  snapshot: OrgSnapshot,
  options: PlanOptions,
): Promise<Plan> {
  try {
    const { state } = await readDesiredStateFile(file, { strict: flags.strict ?? false });
    return plan(state, snapshot, options);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new ConfigurationError(
      `--base-config ${file} (the desired state at the pull request's base) cannot be planned, so the pull request cannot be compared with it: ${error.message}`,
      error.diagnostics,
      { cause: error },
    );
  }
}

/** Plans the head (its configuration errors fail the command as they are), then adds the snapshot's age and the pull request's part. */
export async function planForReview(
  io: CliIo,
  state: DesiredState,
  flags: PlanSourceFlags,
  options: PlanOptions,
  stop: AbortSignal,
): Promise<{ plan: Plan; snapshot: OrgSnapshot }> {
  const { snapshot, verification } = await readOrganization(io, flags, stop);
  const confirmed = { ...options, verification };
  let result = plan(state, snapshot, confirmed);
  if (flags.snapshot) {
    const limit = flags.maxSnapshotAge
      ? { ...flags.maxSnapshotAge, strict: true }
      : {
          text: DEFAULT_MAX_SNAPSHOT_AGE,
          ms: parseDuration(DEFAULT_MAX_SNAPSHOT_AGE) as number,
          strict: false,
        };
    const warning = checkSnapshotAge(snapshot, flags.snapshot, io.now(), limit);
    result = {
      ...result,
      snapshot: { capturedAt: snapshot.capturedAt, source: flags.snapshot },
      warnings: warning ? [warning, ...result.warnings] : result.warnings,
    };
  }
  if (flags.baseConfig) {
    // The base is planned with the same answers from AWS: both plans start from today's organization.
    const base = await planBase(flags.baseConfig, flags, snapshot, confirmed);
    result = { ...result, pullRequest: pullRequestPart(base, result, flags.baseConfig) };
  }
  return { plan: result, snapshot };
}
