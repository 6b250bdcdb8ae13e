/**
 * The token bucket and in-flight cap of throttle.ts on a fake clock: no test waits for real time.
 * The clock's `sleep` resolves only when a test advances the clock past its end.
 */
import { describe, expect, it } from 'vitest';
import {
  PUBLISHED_RATES,
  rowOf,
  THROTTLING_ROWS,
  Throttle,
} from '../../../../lambdas/adapters/organizations/throttle.ts';

class FakeClock {
  time = 0;
  readonly sleeps: number[] = [];
  private timers: { at: number; resolve: () => void }[] = [];

  now = (): number => this.time;

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, resolve }));
  };

  /** Moves the clock on by `ms`, firing each sleep that ends on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.resolve();
    }
    this.time = end;
    await settle();
  }
}

/** A throttle on the fake clock. */
function throttleOn(
  clock: FakeClock,
  options: Omit<ConstructorParameters<typeof Throttle>[0], 'now' | 'sleep'>,
) {
  return new Throttle({ ...options, now: clock.now, sleep: clock.sleep });
}

/** Lets every promise callback that is ready run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Starts `count` calls of `operation` at once; each records the clock when it starts. */
function startCalls(throttle: Throttle, clock: FakeClock, operation: string, count: number) {
  const started: number[] = [];
  const calls = Array.from({ length: count }, (_, i) =>
    throttle.run(operation, async () => {
      started.push(clock.now());
      return i;
    }),
  );
  return { started, calls };
}

describe('throttle: the published rates', () => {
  it('a burst goes at once, then one call per 1/rate seconds (DescribePolicy: 2 per second, burst 2)', async () => {
    // Prepare
    expect(PUBLISHED_RATES.DescribePolicy).toEqual({ rate: 2, burst: 2 });
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published', maxInFlight: 10 });

    // Act
    const { started, calls } = startCalls(throttle, clock, 'DescribePolicy', 6);
    await clock.advance(0);
    const atOnce = [...started];
    await clock.advance(2_000);

    // Assess
    expect(atOnce).toEqual([0, 0]);
    expect(started).toEqual([0, 0, 500, 1_000, 1_500, 2_000]);
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a paced call sleeps once, exactly until its token is due (EnablePolicyType: 1 per second, burst 1)', async () => {
    // Prepare
    expect(PUBLISHED_RATES.EnablePolicyType).toEqual({ rate: 1, burst: 1 });
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published' });
    const started: number[] = [];

    // Act: four calls one after another
    const sequence = (async () => {
      for (let i = 0; i < 4; i++)
        await throttle.run('EnablePolicyType', async () => started.push(clock.now()));
    })();
    await clock.advance(3_000);
    await sequence;

    // Assess
    expect(started).toEqual([0, 1_000, 2_000, 3_000]);
    expect(clock.sleeps).toEqual([1_000, 1_000, 1_000]);
  });

  it('an idle bucket refills up to its burst, never beyond (ListRoots: 1 per second, burst 2)', async () => {
    // Prepare
    expect(PUBLISHED_RATES.ListRoots).toEqual({ rate: 1, burst: 2 });
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published' });
    const first = startCalls(throttle, clock, 'ListRoots', 2);
    await clock.advance(0);
    expect(first.started).toEqual([0, 0]);

    // Act: ten seconds idle, then four calls
    await clock.advance(10_000);
    const second = startCalls(throttle, clock, 'ListRoots', 4);
    await clock.advance(0);
    const atOnce = [...second.started];
    await clock.advance(2_000);

    // Assess
    expect(atOnce).toEqual([10_000, 10_000]);
    expect(second.started).toEqual([10_000, 10_000, 11_000, 12_000]);
  });

  it('each operation has its own bucket: an exhausted one delays no other', async () => {
    // Prepare
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published' });
    const enable = startCalls(throttle, clock, 'EnablePolicyType', 3);

    // Act
    const list = startCalls(throttle, clock, 'ListChildren', 10);
    await clock.advance(0);

    // Assess: EnablePolicyType (1 per second, burst 1) waits; ListChildren's burst of 10 does not
    expect(enable.started).toEqual([0]);
    expect(list.started).toEqual(Array(10).fill(0));
    await clock.advance(2_000);
    expect(enable.started).toEqual([0, 1_000, 2_000]);
  });

  it("AWS's effective-policy reads, which have no published rate, are paced as DescribePolicy: 2 a second, burst 2", async () => {
    // Prepare
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published', maxInFlight: 100 });

    // Act
    const described = startCalls(throttle, clock, 'DescribeEffectivePolicy', 5);
    const listed = startCalls(throttle, clock, 'ListEffectivePolicyValidationErrors', 3);
    await clock.advance(1_500);

    // Assess
    expect(described.started).toEqual([0, 0, 500, 1_000, 1_500]);
    expect(listed.started).toEqual([0, 0, 500]);
  });

  it('operations without a published rate, and `rates: none`, are never paced', async () => {
    // Prepare
    const clock = new FakeClock();
    const published = throttleOn(clock, { rates: 'published', maxInFlight: 100 });
    const none = throttleOn(clock, { rates: 'none', maxInFlight: 100 });

    // Act
    const unknown = startCalls(published, clock, 'ListHandshakesForOrganization', 50);
    const unpaced = startCalls(none, clock, 'DescribePolicy', 50);
    await clock.advance(0);

    // Assess
    expect(unknown.started).toHaveLength(50);
    expect(unpaced.started).toHaveLength(50);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('throttle: rows of the throttling table', () => {
  it("each operation takes its row's rate; every operation is in one row only", () => {
    const operations = THROTTLING_ROWS.flatMap((row) => row.operations);
    expect(new Set(operations).size).toBe(operations.length);
    expect(PUBLISHED_RATES.ListAccountsForParent).toEqual({ rate: 5, burst: 8 });
    expect(PUBLISHED_RATES.ListOrganizationalUnitsForParent).toEqual({ rate: 5, burst: 8 });
    expect(PUBLISHED_RATES.ListChildren).toEqual({ rate: 6, burst: 10 });
    expect(PUBLISHED_RATES.ListAccounts).toEqual({ rate: 8, burst: 12 });
    expect(rowOf('ListOrganizationalUnitsForParent')).toBe(rowOf('ListAccountsForParent'));
    expect(rowOf('ListTargetsForPolicy')).toBe(rowOf('ListPolicies'));
    expect(rowOf('ListChildren')).not.toBe(rowOf('ListAccountsForParent'));
  });

  it('by row (the default), operations of one row share its bucket: 8 calls at once, then 5 per second', async () => {
    // Prepare
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published', maxInFlight: 100 });

    // Act
    const accounts = startCalls(throttle, clock, 'ListAccountsForParent', 6);
    const ous = startCalls(throttle, clock, 'ListOrganizationalUnitsForParent', 4);
    await clock.advance(0);
    const atOnce = accounts.started.length + ous.started.length;
    await clock.advance(400);

    // Assess
    expect(atOnce).toBe(8);
    expect([...accounts.started, ...ous.started].sort((a, b) => a - b)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 200, 400,
    ]);
  });

  it("by operation, each operation of a row has a bucket of its own at the row's rate", async () => {
    // Prepare
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published', sharing: 'operation', maxInFlight: 100 });

    // Act
    const accounts = startCalls(throttle, clock, 'ListAccountsForParent', 8);
    const ous = startCalls(throttle, clock, 'ListOrganizationalUnitsForParent', 8);
    await clock.advance(0);

    // Assess
    expect(accounts.started).toEqual(Array(8).fill(0));
    expect(ous.started).toEqual(Array(8).fill(0));
  });

  it('delayMs says how soon a new call would get its token: 0 while the bucket has one to spare', async () => {
    // Prepare
    const clock = new FakeClock();
    const throttle = throttleOn(clock, { rates: 'published', maxInFlight: 100 });
    const fresh = throttle.delayMs('ListAccountsForParent');

    // Act: the row of ListAccountsForParent spends its burst of 8 and has 2 more calls queued
    startCalls(throttle, clock, 'ListOrganizationalUnitsForParent', 10);
    await clock.advance(0);
    const busy = throttle.delayMs('ListAccountsForParent');
    const otherRow = throttle.delayMs('ListChildren');
    await clock.advance(100);
    const later = throttle.delayMs('ListAccountsForParent');
    await clock.advance(10_000);
    const rested = throttle.delayMs('ListAccountsForParent');

    // Assess: 3 tokens ahead of a new call (2 queued and its own) at 5 per second
    expect(fresh).toBe(0);
    expect(busy).toBeCloseTo(600, 6);
    expect(otherRow).toBe(0);
    expect(later).toBeCloseTo(500, 6);
    expect(rested).toBe(0);
    expect(new Throttle({ rates: 'none' }).delayMs('ListAccountsForParent')).toBe(0);
  });
});

describe('throttle: calls in flight', () => {
  it('at most maxInFlight calls of one operation run at once; the next starts as one ends, in order', async () => {
    // Prepare: calls that end only when the test says so
    const throttle = new Throttle({ rates: 'none', maxInFlight: 2 });
    const running: number[] = [];
    const release: (() => void)[] = [];
    const calls = [0, 1, 2, 3, 4].map((i) =>
      throttle.run('ListAccountsForParent', async () => {
        running.push(i);
        await new Promise<void>((resolve) => release.push(resolve));
        running.splice(running.indexOf(i), 1);
        return i;
      }),
    );

    // Act and assess, one end at a time
    await settle();
    expect(running).toEqual([0, 1]);
    release.shift()?.();
    await settle();
    expect(running).toEqual([1, 2]);
    release.shift()?.();
    release.shift()?.();
    await settle();
    expect(running).toEqual([3, 4]);
    release.shift()?.();
    release.shift()?.();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4]);
  });

  it('the cap is per operation: another operation is not held by a full one', async () => {
    // Prepare
    const throttle = new Throttle({ rates: 'none', maxInFlight: 1 });
    let releaseSlow: () => void = () => {};
    const slow = throttle.run(
      'ListPolicies',
      () => new Promise<string>((resolve) => (releaseSlow = () => resolve('slow'))),
    );

    // Act
    const other = await throttle.run('ListRoots', async () => 'other');

    // Assess
    expect(other).toBe('other');
    releaseSlow();
    expect(await slow).toBe('slow');
  });

  it('a failed call frees its slot', async () => {
    // Prepare
    const throttle = new Throttle({ rates: 'none', maxInFlight: 1 });

    // Act
    const failed = throttle.run('DetachPolicy', async () => {
      throw new Error('PolicyNotAttachedException');
    });
    const next = throttle.run('DetachPolicy', async () => 'next');

    // Assess
    await expect(failed).rejects.toThrow('PolicyNotAttachedException');
    expect(await next).toBe('next');
  });
});

describe('throttle: abort', () => {
  it('once the signal aborts no call starts: waiting ones reject with its reason, the one in flight finishes', async () => {
    // Prepare
    const stop = new AbortController();
    const throttle = new Throttle({ rates: 'none', maxInFlight: 1, signal: stop.signal });
    const ran: number[] = [];
    let releaseFirst: () => void = () => {};
    const first = throttle.run('ListChildren', async () => {
      ran.push(0);
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      return 'first';
    });
    const waiting = [1, 2].map((i) =>
      throttle.run('ListChildren', async () => {
        ran.push(i);
        return i;
      }),
    );
    await settle();

    // Act
    const reason = new Error('the deadline');
    stop.abort(reason);
    releaseFirst();

    // Assess
    expect(await first).toBe('first');
    for (const call of waiting) await expect(call).rejects.toBe(reason);
    await expect(throttle.run('ListRoots', async () => 'late')).rejects.toBe(reason);
    expect(ran).toEqual([0]);
  });

  it('a call paced behind the bucket does not start once the signal aborts during its wait', async () => {
    // Prepare: EnablePolicyType (burst 1): the second call sleeps a second for its token
    const clock = new FakeClock();
    const stop = new AbortController();
    const throttle = throttleOn(clock, { rates: 'published', signal: stop.signal });
    const { started, calls } = startCalls(throttle, clock, 'EnablePolicyType', 2);
    await clock.advance(0);

    // Act
    stop.abort(new Error('the deadline'));
    await clock.advance(1_000);

    // Assess
    expect(started).toEqual([0]);
    expect(await calls[0]).toBe(0);
    await expect(calls[1]).rejects.toThrow('the deadline');
  });
});
