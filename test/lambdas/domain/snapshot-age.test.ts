/**
 * How old a snapshot may be (lambdas/domain/snapshot-age.ts; `plan --max-snapshot-age`, docs/cli.md):
 * past the default bound a `stale-snapshot` warning, past a bound the user gave an error, and the age
 * said in the largest whole unit.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotError } from '../../../lambdas/domain/errors.ts';
import { checkSnapshotAge, parseDuration } from '../../../lambdas/domain/snapshot-age.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const capturedAt = '2026-12-01T12:00:00Z';
const captured = Date.parse(capturedAt);
const source = 'org.json';
const byDefault = { text: '7d', ms: 7 * DAY, strict: false };
const given = { text: '36h', ms: 36 * HOUR, strict: true };

function ageOf(ms: number, limit = { text: '1m', ms: 1, strict: false }) {
  return checkSnapshotAge({ capturedAt }, source, new Date(captured + ms), limit)?.message;
}

describe('parseDuration', () => {
  it('reads a duration with spaces around it; refuses one with anything after its unit', () => {
    expect(parseDuration(' 7d ')).toBe(7 * DAY);
    expect(parseDuration('7dx')).toBeUndefined();
    expect(parseDuration('36hours')).toBeUndefined();
  });
});

describe('checkSnapshotAge', () => {
  it('a snapshot as old as the bound, or younger, passes', () => {
    for (const limit of [byDefault, given]) {
      expect(checkSnapshotAge({ capturedAt }, source, new Date(captured + limit.ms), limit)).toBeUndefined();
      expect(checkSnapshotAge({ capturedAt }, source, new Date(captured), limit)).toBeUndefined();
    }
    // A snapshot from the future (a clock ahead) is not stale.
    expect(checkSnapshotAge({ capturedAt }, source, new Date(captured - DAY), given)).toBeUndefined();
  });

  it('past the default bound: a warning that names the bound as the default and the flag that changes it', () => {
    expect(checkSnapshotAge({ capturedAt }, source, new Date(captured + 9 * DAY), byDefault)).toEqual({
      code: 'stale-snapshot',
      message:
        'the snapshot org.json was captured at 2026-12-01T12:00:00Z, 9 days ago, more than 7d (the default bound; --max-snapshot-age changes it): the organization may have changed since; take a new snapshot with `ai-optout snapshot --out FILE`',
    });
  });

  it('past a bound the user gave: an error naming the flag', () => {
    const now = new Date(captured + 36 * HOUR + 1);
    expect(() => checkSnapshotAge({ capturedAt }, source, now, given)).toThrow(SnapshotError);
    expect(() => checkSnapshotAge({ capturedAt }, source, now, given)).toThrow(
      'the snapshot org.json was captured at 2026-12-01T12:00:00Z, 1 day ago, more than --max-snapshot-age 36h: the organization may have changed since; take a new snapshot (`ai-optout snapshot --out FILE`, or the one the pipeline publishes after every run)',
    );
  });

  it('a capturedAt that is not a time is a SnapshotError naming the field, whatever the bound', () => {
    for (const limit of [byDefault, given]) {
      expect(() => checkSnapshotAge({ capturedAt: 'yesterday' }, source, new Date(), limit)).toThrow(
        new SnapshotError(
          'org.json is not a valid organization snapshot: capturedAt: "yesterday" is not an ISO 8601 time such as 2026-11-26T12:00:00Z',
        ),
      );
    }
  });

  it.each([
    [DAY, '1 day'],
    [2 * DAY - 1, '1 day'],
    [2 * DAY, '2 days'],
    [DAY - 1, '23 hours'],
    [HOUR, '1 hour'],
    [HOUR - 1, '59 minutes'],
    [MINUTE, '1 minute'],
    [2 * MINUTE + 59_999, '2 minutes'],
  ])('an age of %i ms is said as %s', (ms, said) => {
    expect(ageOf(ms)).toContain(`captured at ${capturedAt}, ${said} ago, more than 1m`);
  });
});
