/**
 * The job's deadline (lambdas/pipeline-job/deadline.ts), with its timers in the test's hands: the work
 * budget, the work deadline by its timer and by the clock, the message naming the step and the calls
 * still waiting, and the report signal a second before the Lambda's end.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallWatch } from '../../../lambdas/adapters/aws/bounded-calls.ts';
import { DeadlineError } from '../../../lambdas/domain/errors.ts';
import { JobDeadline, RAISE_TIMEOUT, scheduleTimer } from '../../../lambdas/pipeline-job/deadline.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A deadline whose work timer the test fires, whose clock (the Lambda's time left) it sets, and whose calls' ages it moves. */
function deadline(options: { remainingMs: number; reserveMs?: number }) {
  let remaining = options.remainingMs;
  let now = 0;
  const scheduled: number[] = [];
  let fire: (() => void) | undefined;
  let cancelled = 0;
  const watch = new CallWatch(() => now);
  const d = new JobDeadline({
    remainingMs: () => remaining,
    reserveMs: options.reserveMs ?? 45_000,
    schedule: (callback, ms) => {
      scheduled.push(ms);
      fire = callback;
      return () => {
        cancelled++;
      };
    },
    watch,
  });
  return {
    d,
    watch,
    scheduled,
    fire: () => fire?.(),
    cancelled: () => cancelled,
    setRemaining: (ms: number) => {
      remaining = ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const thrown = (f: () => void): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the deadline: the work budget', () => {
  it.each([
    // time left, reserve, budget
    [600_000, 45_000, 555_000],
    [45_001, 45_000, 1],
    [45_000, 45_000, 0],
    [20_000, 45_000, 0],
  ])('%i ms left, %i kept back: %i ms of work, the timer set for it', (remaining, reserve, budget) => {
    const t = deadline({ remainingMs: remaining, reserveMs: reserve });
    t.d.cancel();

    expect(t.d.budgetMs).toBe(budget);
    expect(t.scheduled).toEqual([budget]);
  });
});

describe('the deadline: when it passes', () => {
  it('the timer aborts the work signal with a DeadlineError naming the step and the hint', () => {
    const t = deadline({ remainingMs: 600_000 });
    t.d.begin({ doing: 'reading the organization', hint: 'Raise it.' });

    t.fire();
    t.d.cancel();

    expect(t.d.signal.aborted).toBe(true);
    expect(t.d.reportSignal.aborted).toBe(false);
    expect(t.d.signal.reason).toBeInstanceOf(DeadlineError);
    expect((t.d.signal.reason as Error).message).toBe(
      'stopped 45 s before the Lambda deadline: reading the organization did not finish in 555 s. Raise it.',
    );
    expect(thrown(() => t.d.check())).toBe(t.d.signal.reason);
    expect(thrown(() => t.d.begin({ doing: 'next', hint: '' }))).toBe(t.d.signal.reason);
  });

  it('before any step is named, the job is "starting"', () => {
    const t = deadline({ remainingMs: 100_000 });
    t.fire();
    t.d.cancel();

    expect((t.d.signal.reason as Error).message).toBe(
      `stopped 45 s before the Lambda deadline: starting the job did not finish in 55 s. ${RAISE_TIMEOUT}`,
    );
  });

  it.each([
    // time left when checked -> passed?
    [45_001, false],
    [45_000, true],
    [44_999, true],
  ])('by the clock, though the timer has not fired: %i ms left is past: %s', (left, passed) => {
    const t = deadline({ remainingMs: 600_000 });
    t.setRemaining(left);

    const error = thrown(() => t.d.check());
    t.d.cancel();

    expect(error instanceof DeadlineError).toBe(passed);
    expect(t.d.signal.aborted).toBe(passed);
  });

  it('names the calls that waited a second or more for an answer, and only those', () => {
    const t = deadline({ remainingMs: 600_000 });
    t.watch.start({ service: 'S3', operation: 'GetObject', endpoint: 'http://s3.example' });
    t.advance(999);
    t.watch.start({ service: 'Organizations', operation: 'ListRoots', endpoint: 'http://org.example' });
    t.advance(1);
    t.d.begin({ doing: 'reading the input artifact', hint: 'Hint.' });

    t.fire();
    t.d.cancel();

    expect((t.d.signal.reason as Error).message).toBe(
      'stopped 45 s before the Lambda deadline: reading the input artifact did not finish in 555 s (S3 GetObject to http://s3.example had no answer for 1 s). Hint.',
    );
  });

  it('passes once: a second firing keeps the first reason', () => {
    const t = deadline({ remainingMs: 600_000 });
    t.d.begin({ doing: 'first', hint: '' });
    t.fire();
    const first = t.d.signal.reason;
    t.fire();
    t.d.cancel();

    expect(t.d.signal.reason).toBe(first);
  });
});

describe('the deadline: the report signal and cancelling', () => {
  it('aborts one second before the Lambda deadline, leaving time to log that the result was not sent', async () => {
    vi.useFakeTimers();
    const t = deadline({ remainingMs: 10_000 });

    await vi.advanceTimersByTimeAsync(8_999);
    const before = t.d.reportSignal.aborted;
    await vi.advanceTimersByTimeAsync(1);

    expect(before).toBe(false);
    expect(t.d.reportSignal.aborted).toBe(true);
    expect((t.d.reportSignal.reason as Error).message).toBe('the Lambda deadline is 1 s away');
    t.d.cancel();
  });

  it('cancel stops both timers', async () => {
    vi.useFakeTimers();
    const t = deadline({ remainingMs: 10_000 });

    t.d.cancel();
    await vi.advanceTimersByTimeAsync(20_000);

    expect(t.cancelled()).toBe(1);
    expect(t.d.reportSignal.aborted).toBe(false);
  });

  it('scheduleTimer calls back after the time given, unless cancelled', async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    scheduleTimer(() => calls.push('kept'), 100);
    const cancel = scheduleTimer(() => calls.push('cancelled'), 100);
    cancel();

    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['kept']);
  });
});
