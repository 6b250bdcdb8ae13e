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
import { snapshotVerification } from '../../lambdas/domain/planner/fidelity.ts';
import type { PullRequestPart } from '../../lambdas/domain/planner/schema.ts';
import { type Plan, type PlanOptions, plan } from '../../lambdas/domain/planner.ts';
import type { PreflightResult } from '../../lambdas/domain/policy-types/version-1.ts';
import { pullRequestPart } from '../../lambdas/domain/pull-request.ts';
import { isS3Url } from '../../lambdas/domain/s3-url.ts';
import {
  checkSnapshotAge,
  DEFAULT_MAX_SNAPSHOT_AGE,
  parseDuration,
} from '../../lambdas/domain/snapshot-age.ts';
import type { ConfirmedOrganization } from '../../lambdas/organization-session.ts';
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
 * ask, and the report says the effective policies are not confirmed. One session serves the read and the
 * confirmation, so the role is assumed once and one throttle paces both. For a file with a `bedrock:`
 * section a live read takes its Bedrock policies too, and the pre-flight of its guardrails.
 */
async function readOrganization(
  io: CliIo,
  flags: PlanSourceFlags,
  stop: AbortSignal,
  state: DesiredState,
): Promise<ConfirmedOrganization & { preflight?: PreflightResult[] | undefined }> {
  const fromSnapshot = snapshotVerification(flags.verify ?? DEFAULT_VERIFY);
  if (flags.snapshot && !isS3Url(flags.snapshot))
    return { snapshot: await readSnapshotFile(flags.snapshot), verification: fromSnapshot };
  const live = await import('./live.ts');
  if (flags.snapshot)
    return { snapshot: await live.readSnapshotUrl(flags.snapshot, stop), verification: fromSnapshot };
  const session = live.liveSession(io, flags, stop);
  // A bedrock: section: its policies are read too, and its guardrails go through pre-flight.
  const snapshot = await session.readFor(state);
  const confirmed = await session.confirm(snapshot);
  return { ...confirmed, preflight: await session.preflight(state, snapshot) };
}

/** A ConfigurationError of the base, named as the base's: the pull request cannot be compared with it. */
function baseError(file: string, error: unknown): unknown {
  if (!(error instanceof ConfigurationError)) return error;
  return new ConfigurationError(
    `--base-config ${file} (the desired state at the pull request's base) cannot be planned, so the pull request cannot be compared with it: ${error.message}`,
    error.diagnostics,
    { cause: error },
  );
}

/** The base's desired state, or what went wrong reading it (thrown once the head has planned). */
async function readBase(file: string, flags: PlanSourceFlags): Promise<DesiredState | { error: unknown }> {
  try {
    return (await readDesiredStateFile(file, { strict: flags.strict ?? false })).state;
  } catch (error) {
    return { error: baseError(file, error) };
  }
}

/** The pull request's part of the head's plan: the base planned on the same organization, compared. */
function pullRequestOf(
  base: DesiredState | { error: unknown },
  head: { state: DesiredState; plan: Plan },
  file: string,
  snapshot: OrgSnapshot,
  options: PlanOptions,
): PullRequestPart {
  if ('error' in base) throw base.error;
  let basePlan: Plan;
  try {
    basePlan = plan(base, snapshot, options);
  } catch (error) {
    throw baseError(file, error);
  }
  return pullRequestPart(basePlan, head.plan, file, { base, head: head.state });
}

/**
 * Plans the head (its configuration errors fail the command as they are), then adds the snapshot's age
 * and the pull request's part. With a base, the head is planned against the base's `expect` as well as
 * its own (a pull request cannot loosen the guardrail that judges it); a base that cannot be read or
 * planned fails the command once the head has planned, named as the base.
 */
export async function planForReview(
  io: CliIo,
  state: DesiredState,
  flags: PlanSourceFlags,
  options: PlanOptions,
  stop: AbortSignal,
): Promise<{ plan: Plan; snapshot: OrgSnapshot }> {
  const { snapshot, verification, preflight } = await readOrganization(io, flags, stop, state);
  const confirmed = { ...options, verification, ...(preflight ? { preflight } : {}) };
  const base = flags.baseConfig ? await readBase(flags.baseConfig, flags) : undefined;
  const baseExpect = base && !('error' in base) ? base.expect : undefined;
  let result = plan(state, snapshot, baseExpect ? { ...confirmed, baseExpect } : confirmed);
  if (base && flags.baseConfig) {
    // The base is planned with the same answers from AWS: both plans start from today's organization.
    const pullRequest = pullRequestOf(base, { state, plan: result }, flags.baseConfig, snapshot, confirmed);
    result = { ...result, pullRequest };
  }
  if (flags.snapshot) result = withSnapshotAge(result, snapshot, flags.snapshot, flags, io.now());
  return { plan: result, snapshot };
}

/** The snapshot planned against, and a warning (or, with --max-snapshot-age, an error) when it is old. */
function withSnapshotAge(
  result: Plan,
  snapshot: OrgSnapshot,
  source: string,
  flags: PlanSourceFlags,
  now: Date,
): Plan {
  const limit = flags.maxSnapshotAge
    ? { ...flags.maxSnapshotAge, strict: true }
    : {
        text: DEFAULT_MAX_SNAPSHOT_AGE,
        ms: parseDuration(DEFAULT_MAX_SNAPSHOT_AGE) as number,
        strict: false,
      };
  const warning = checkSnapshotAge(snapshot, source, now, limit);
  return {
    ...result,
    snapshot: { capturedAt: snapshot.capturedAt, source },
    warnings: warning ? [warning, ...result.warnings] : result.warnings,
  };
}
