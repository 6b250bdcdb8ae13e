/**
 * Client-side pacing of Organizations calls: one token bucket and one in-flight cap per row of AWS's
 * throttling table (or per operation), set from AWS's published per-account rates, so a large
 * organization is read at the speed AWS allows instead of bouncing off TooManyRequestsException. The
 * SDK's adaptive retry stays behind it for the throttles that still happen (other callers share the
 * same buckets).
 *
 * The reader spreads interchangeable calls over several rows (`delayMs` says how soon a bucket would
 * serve a call), since each row has a budget of its own.
 */

interface RateLimit {
  /** Tokens per second. */
  rate: number;
  /** Bucket size. */
  burst: number;
}

/** One row of AWS's throttling table: operations listed together get one rate. */
interface ThrottlingRow extends RateLimit {
  operations: readonly string[];
}

/**
 * AWS Organizations throttling limits per account (rate, burst), one entry per row of AWS's tables
 * [ORG-THROTTLING-RATES]. The per-organization limits there are higher, so the per-account ones bind.
 * The effective-policy reads are not in the table (their rows below are assumed). The table does not say whether the operations of one
 * row share a bucket; pacing by row (the default) is right either way.
 */
export const THROTTLING_ROWS: readonly ThrottlingRow[] = [
  { operations: ['CreatePolicy', 'DeletePolicy', 'AttachPolicy', 'DetachPolicy'], rate: 2, burst: 3 },
  { operations: ['UpdatePolicy'], rate: 2, burst: 3 },
  { operations: ['DescribePolicy'], rate: 2, burst: 2 },
  { operations: ['DisablePolicyType', 'EnablePolicyType'], rate: 1, burst: 1 },
  { operations: ['ListPolicies', 'ListPoliciesForTarget', 'ListTargetsForPolicy'], rate: 5, burst: 8 },
  { operations: ['CreateOrganizationalUnit', 'DescribeOrganization'], rate: 1, burst: 2 },
  { operations: ['ListAccounts'], rate: 8, burst: 12 },
  { operations: ['ListChildren'], rate: 6, burst: 10 },
  {
    operations: ['ListParents', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent'],
    rate: 5,
    burst: 8,
  },
  { operations: ['ListRoots'], rate: 1, burst: 2 },
  { operations: ['ListTagsForResource'], rate: 10, burst: 15 },
  { operations: ['TagResource', 'UntagResource'], rate: 4, burst: 6 },
  // Not published: AWS's throttling tables list no rate for these three reads [ORG-THROTTLING-UNPUBLISHED]. They
  // are paced as DescribePolicy, the nearest policy read AWS rates, each in a row of its own, and the
  // SDK's retry handles the rest.
  { operations: ['DescribeEffectivePolicy'], rate: 2, burst: 2 },
  { operations: ['ListAccountsWithInvalidEffectivePolicy'], rate: 2, burst: 2 },
  { operations: ['ListEffectivePolicyValidationErrors'], rate: 2, burst: 2 },
];

/** Each operation's published rate and burst (from its row). */
export const PUBLISHED_RATES: Readonly<Record<string, RateLimit>> = Object.fromEntries(
  THROTTLING_ROWS.flatMap(({ operations, rate, burst }) => operations.map((op) => [op, { rate, burst }])),
);

/** The row an operation belongs to, named by its first operation (the operation itself when unlisted). */
export function rowOf(operation: string): string {
  return THROTTLING_ROWS.find((row) => row.operations.includes(operation))?.operations[0] ?? operation;
}

/** `row`: the operations of one row share one bucket; `operation`: each has its own at the row's rate. */
export type BucketSharing = 'row' | 'operation';

interface ThrottleOptions {
  /** `published` paces to AWS's rates; `none` only caps concurrency (emulators, tests). */
  rates: 'published' | 'none';
  /** Default `row`: never more than AWS allows, whether or not it shares a row's bucket. */
  sharing?: BucketSharing;
  /** Most calls of one bucket in flight at once. */
  maxInFlight?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Once aborted, no further call starts: the run stops between two calls, never inside one. */
  signal?: AbortSignal;
}

class Bucket {
  private tokens: number;
  private last: number;
  private inFlight = 0;
  /** Calls that entered `run` and have no token yet. */
  private queued = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: RateLimit | undefined,
    private readonly maxInFlight: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = limit?.burst ?? 0;
    this.last = now();
  }

  private async slot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  private refill(limit: RateLimit): void {
    const now = this.now();
    this.tokens = Math.min(limit.burst, this.tokens + ((now - this.last) / 1000) * limit.rate);
    this.last = now;
  }

  /** Milliseconds until a call that joined the queue now would get its token (0 when unpaced). */
  delayMs(): number {
    if (!this.limit) return 0;
    this.refill(this.limit);
    return Math.max(0, ((this.queued + 1 - this.tokens) / this.limit.rate) * 1000);
  }

  private async token(): Promise<void> {
    if (!this.limit) return;
    for (;;) {
      this.refill(this.limit);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.limit.rate) * 1000));
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    let queued = true;
    await this.slot();
    try {
      await this.token();
      this.queued--;
      queued = false;
      return await fn();
    } finally {
      if (queued) this.queued--;
      this.release();
    }
  }
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private bucketOf(operation: string): Bucket {
    const key = (this.options.sharing ?? 'row') === 'row' ? rowOf(operation) : operation;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limit = this.options.rates === 'published' ? PUBLISHED_RATES[operation] : undefined;
      bucket = new Bucket(limit, this.options.maxInFlight ?? 4, this.now, this.sleep);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Runs `fn` when operation `operation` has a free slot and a token. */
  run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const { signal } = this.options;
    const guarded = signal
      ? () => {
          signal.throwIfAborted();
          return fn();
        }
      : fn;
    return this.bucketOf(operation).run(guarded);
  }

  /** Milliseconds until a call of `operation` made now would get its token (0 when unpaced or free). */
  delayMs(operation: string): number {
    return this.bucketOf(operation).delayMs();
  }
}
