/**
 * The library's first API, kept so that code written against it still runs: each function is one
 * OrganizationSession (organization-session.ts) used for one call. New code uses the session, whose
 * throttle then paces all of its steps together.
 */
import type { DesiredState } from './domain/desired-state/types.ts';
import type { OrgSnapshot } from './domain/model.ts';
import type { Plan, PlanOptions } from './domain/planner.ts';
import {
  type ApplyResult,
  OrganizationSession,
  type PlannedOrganization,
  type SessionOptions,
} from './organization-session.ts';

/** @deprecated Use `SessionOptions` (`verifyDelaysMs` is `rereadDelaysMs` there). */
export interface ReconcileOptions extends SessionOptions {
  /** @deprecated Use `rereadDelaysMs`: the waits between the re-reads after apply. */
  verifyDelaysMs?: readonly number[];
}

function sessionOf({ verifyDelaysMs, ...options }: ReconcileOptions): OrganizationSession {
  const rereadDelaysMs = options.rereadDelaysMs ?? verifyDelaysMs;
  return new OrganizationSession({ ...options, ...(rereadDelaysMs ? { rereadDelaysMs } : {}) });
}

/** @deprecated Use `new OrganizationSession(options).read()`. */
export function readLive(options: ReconcileOptions): Promise<OrgSnapshot> {
  return sessionOf(options).read();
}

/** @deprecated Use an OrganizationSession: `read`, `confirm`, then `plan`. */
export async function planLive(
  desired: DesiredState,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<PlannedOrganization> {
  const session = sessionOf(options);
  return session.plan(desired, await session.confirm(await session.read()), planOptions);
}

/** @deprecated Use an OrganizationSession: `confirm`, then `plan`. */
export async function planConfirmed(
  desired: DesiredState,
  snapshot: OrgSnapshot,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<Plan> {
  const session = sessionOf(options);
  return session.plan(desired, await session.confirm(snapshot), planOptions).plan;
}

/** @deprecated Use `new OrganizationSession(options).apply(desired, planned, planOptions)`. */
export function applyPlanned(
  desired: DesiredState,
  planned: PlannedOrganization,
  options: ReconcileOptions,
  planOptions: PlanOptions = {},
): Promise<ApplyResult> {
  return sessionOf(options).apply(desired, planned, planOptions);
}
