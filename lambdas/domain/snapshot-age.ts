/**
 * How old a snapshot may be before a plan against it stops being trusted (`plan --max-snapshot-age`,
 * docs/cli.md): past the default a warning, past an age the user asked for an error.
 */
import { SnapshotError } from './errors.ts';
import type { OrgSnapshot } from './model.ts';
import type { PlanWarning } from './planner/schema.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const DEFAULT_MAX_SNAPSHOT_AGE = '7d';
export const DURATION_EXAMPLE = '7d, 36h or 90m';

/** `7d`, `36h`, `90m` (whole numbers) in milliseconds; undefined when it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** `9 days`, `5 hours`, `12 minutes`: the largest whole unit. */
function describeAge(ms: number): string {
  const [unit, size] =
    ms >= UNIT_MS.d ? ['day', UNIT_MS.d] : ms >= UNIT_MS.h ? ['hour', UNIT_MS.h] : ['minute', UNIT_MS.m];
  const n = Math.floor(ms / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export interface SnapshotAgeLimit {
  /** The text the user gave (or the default), for messages. */
  text: string;
  ms: number;
  /** Given explicitly: an older snapshot is an error, not a warning. */
  strict: boolean;
}

/**
 * Checks the snapshot's capturedAt against the limit: undefined when young enough, a `stale-snapshot`
 * warning when older than a default limit; throws SnapshotError when older than an explicit one, or when
 * capturedAt is not a time.
 */
export function checkSnapshotAge(
  snapshot: Pick<OrgSnapshot, 'capturedAt'>,
  source: string,
  now: Date,
  limit: SnapshotAgeLimit,
): PlanWarning | undefined {
  const captured = Date.parse(snapshot.capturedAt);
  if (Number.isNaN(captured)) {
    throw new SnapshotError(
      `${source} is not a valid organization snapshot: capturedAt: ${JSON.stringify(snapshot.capturedAt)} is not an ISO 8601 time such as 2026-11-26T12:00:00Z`,
    );
  }
  const age = now.getTime() - captured;
  if (age <= limit.ms) return undefined;
  const capturedText = `the snapshot ${source} was captured at ${snapshot.capturedAt}, ${describeAge(age)} ago`;
  if (limit.strict) {
    throw new SnapshotError(
      `${capturedText}, more than --max-snapshot-age ${limit.text}: the organization may have changed since; take a new snapshot (\`ai-optout snapshot --out FILE\`, or the one the pipeline publishes after every run)`,
    );
  }
  // Without the flag the bound is the default one: the message names it as such, and the flag that changes it.
  return {
    code: 'stale-snapshot',
    message: `${capturedText}, more than ${limit.text} (the default bound; --max-snapshot-age changes it): the organization may have changed since; take a new snapshot with \`ai-optout snapshot --out FILE\``,
  };
}
