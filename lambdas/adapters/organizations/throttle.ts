/**
 * Client-side pacing of Organizations calls: one token bucket and one in-flight cap per operation, set
 * from AWS's published per-account rates, so a large organization is read at the speed AWS allows
 * instead of bouncing off TooManyRequestsException. The SDK's adaptive retry stays behind it for the
 * throttles that still happen (other callers share the same buckets).
 */

interface RateLimit {
  /** Tokens per second. */
  rate: number;
  /** Bucket size. */
  burst: number;
}

/** AWS Organizations throttling limits per account (user guide, "Quotas for AWS Organizations"). */
export const PUBLISHED_RATES: Readonly<Record<string, RateLimit>> = {
  CreatePolicy: { rate: 2, burst: 3 },
  DeletePolicy: { rate: 2, burst: 3 },
  AttachPolicy: { rate: 2, burst: 3 },
  DetachPolicy: { rate: 2, burst: 3 },
  UpdatePolicy: { rate: 2, burst: 3 },
  DescribePolicy: { rate: 2, burst: 2 },
  EnablePolicyType: { rate: 1, burst: 1 },
  ListPolicies: { rate: 5, burst: 8 },
  ListPoliciesForTarget: { rate: 5, burst: 8 },
  ListTargetsForPolicy: { rate: 5, burst: 8 },
  ListRoots: { rate: 1, burst: 2 },
  ListChildren: { rate: 6, burst: 10 },
  ListParents: { rate: 5, burst: 8 },
  ListAccountsForParent: { rate: 5, burst: 8 },
  ListOrganizationalUnitsForParent: { rate: 5, burst: 8 },
  ListAccounts: { rate: 8, burst: 12 },
  DescribeOrganization: { rate: 1, burst: 2 },
  TagResource: { rate: 4, burst: 6 },
  UntagResource: { rate: 4, burst: 6 },
  ListTagsForResource: { rate: 10, burst: 15 },
  // Not published: AWS's throttling tables list no rate for these three reads (checked 2026-12-01). They
  // are paced as DescribePolicy, the nearest policy read AWS rates, and the SDK's retry handles the rest.
  DescribeEffectivePolicy: { rate: 2, burst: 2 },
  ListAccountsWithInvalidEffectivePolicy: { rate: 2, burst: 2 },
  ListEffectivePolicyValidationErrors: { rate: 2, burst: 2 },
};

interface ThrottleOptions {
  /** `published` paces to AWS's rates; `none` only caps concurrency (emulators, tests). */
  rates: 'published' | 'none';
  /** Most calls of one operation in flight at once. */
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

  private async token(): Promise<void> {
    if (!this.limit) return;
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.limit.rate) * 1000));
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      await this.token();
      return await fn();
    } finally {
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

  /** Runs `fn` when operation `operation` has a free slot and a token. */
  run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const { signal } = this.options;
    const guarded = signal
      ? () => {
          signal.throwIfAborted();
          return fn();
        }
      : fn;
    let bucket = this.buckets.get(operation);
    if (!bucket) {
      const limit = this.options.rates === 'published' ? PUBLISHED_RATES[operation] : undefined;
      bucket = new Bucket(limit, this.options.maxInFlight ?? 4, this.now, this.sleep);
      this.buckets.set(operation, bucket);
    }
    return bucket.run(guarded);
  }
}
