/**
 * The state bucket's layout (lambdas/runtime/state-bucket.ts): every area under the function's own
 * prefix, and no lifecycle rule that would delete what is kept (the latest snapshot, the latest run).
 */
import { describe, expect, it } from 'vitest';
import {
  LATEST_RUN_FILES,
  LATEST_RUN_PREFIX,
  LATEST_SNAPSHOT_KEY,
  STATE_BUCKET_LAYOUT,
  STATE_PREFIX,
  type StateArea,
} from '../../../lambdas/runtime/state-bucket.ts';

const areas: [string, StateArea][] = Object.entries(STATE_BUCKET_LAYOUT);

describe('the state bucket layout', () => {
  it('puts every area under ai-optout/, each with a prefix of its own', () => {
    expect(areas.length).toBeGreaterThan(0);
    for (const [name, area] of areas) expect(area.prefix, name).toMatch(/^ai-optout\/[a-z/]+\/$/);
    expect(STATE_PREFIX).toBe('ai-optout/');
    expect(new Set(areas.map(([, area]) => area.prefix)).size).toBe(areas.length);
  });

  it('expires no key that is kept: the latest snapshot and the latest run', () => {
    const kept = [
      LATEST_SNAPSHOT_KEY,
      ...Object.values(LATEST_RUN_FILES).map((file) => `${LATEST_RUN_PREFIX}${file}`),
    ];
    const expiring = areas.filter(([, area]) => area.expiresAfterDays !== undefined);
    expect(expiring.map(([name]) => name)).toEqual(['continuations', 'jobClaims', 'snapshotHistory']);
    for (const [name, area] of expiring) {
      expect(area.lifecycleRuleId, name).toMatch(/^[A-Za-z]+$/);
      for (const key of kept) expect(key.startsWith(area.prefix), `${name} would expire ${key}`).toBe(false);
    }
  });
});
