/**
 * An AWS-rate simulator: an HTTP proxy in front of moto (or the in-memory model) that enforces AWS's
 * published Organizations token buckets (throttle.ts, THROTTLING_ROWS), one per row of the throttling
 * table or one per operation, and answers a call beyond its bucket with TooManyRequestsException
 * (HTTP 400, as AWS does). Time is scaled: the simulator and the reader under test share a clock that
 * runs `scale` times faster than the wall clock, so a read of several minutes at AWS's rates takes
 * seconds.
 *
 * moto ignores MaxResults for ListChildren, ListParents and ListTargetsForPolicy; the simulator pages
 * their answers at MaxResults (at most 20, as AWS) itself, so the calls counted are the calls AWS needs.
 */
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import { type BucketSharing, PUBLISHED_RATES, rowOf } from '../lambdas/adapters/organizations/throttle.ts';
import { bodyOf, sendJson as json, listenOnLoopback } from './support.ts';

/** A clock `scale` times faster than the wall clock, in milliseconds since its start. */
export class ScaledClock {
  private readonly origin = performance.now();
  constructor(readonly scale: number) {}
  now = (): number => (performance.now() - this.origin) * this.scale;
  sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms / this.scale));
}

export interface RateSimulator {
  endpoint: string;
  /** Calls answered by the upstream, by operation. */
  readonly calls: Record<string, number>;
  /** Calls refused with TooManyRequestsException, by operation. */
  readonly throttled: Record<string, number>;
  /** Scaled time (ms) of each operation's first and last admitted call. */
  readonly spans: Record<string, { first: number; last: number }>;
  /** Sends `operations` to another upstream from now on (the effective-policy model, beside moto). */
  route(operations: readonly string[], upstream: string): void;
  /** Fills every bucket and zeroes the counts (before each measured read); routes are dropped. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Real milliseconds by which a request may reach the simulator later than its predecessors relative to
 * when the client's pacer released it (event-loop and socket jitter on a loaded machine, multiplied by
 * the scale): the bucket lends that much refill instead of refusing, and takes it back from the next
 * refills, so the long-run rate and the burst are still AWS's. Without it a late request is refused,
 * its retry takes the token the pacer meant for the next call, and the deficit never recovers.
 */
const JITTER_MS = 100;

class Bucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: ScaledClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }
  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    const lent = ((JITTER_MS * this.clock.scale) / 1000) * this.rate;
    if (this.tokens < 1 - lent) return false;
    this.tokens -= 1;
    return true;
  }
}

const REPAGED: Record<string, string> = {
  ListChildren: 'Children',
  ListParents: 'Parents',
  ListTargetsForPolicy: 'Targets',
};

export async function startRateSimulator(
  upstream: string,
  options: { sharing: BucketSharing; clock: ScaledClock },
): Promise<RateSimulator> {
  const target = new URL(upstream);
  let routes = new Map<string, URL>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let buckets = new Map<string, Bucket>();
  const calls: Record<string, number> = {};
  const throttled: Record<string, number> = {};
  const spans: Record<string, { first: number; last: number }> = {};
  const rest = new Map<string, unknown[]>();
  let nextToken = 0;

  const admit = (operation: string): boolean => {
    const limit = PUBLISHED_RATES[operation];
    if (!limit) return true;
    const key = options.sharing === 'row' ? rowOf(operation) : operation;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(limit.rate, limit.burst, options.clock);
      buckets.set(key, bucket);
    }
    return bucket.take();
  };

  const forward = (req: IncomingMessage, body: Buffer, to: URL): Promise<{ status: number; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: to.host, 'content-length': String(body.length) };
      const upstreamRequest = request(
        { agent, host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (response) =>
          bodyOf(response).then((b) => resolve({ status: response.statusCode ?? 500, body: b }), reject),
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  /** Serves a list moto answered whole in pages of MaxResults, keeping the rest under a token of ours. */
  const repage = (member: string, input: Record<string, unknown>, answer: Record<string, unknown>) => {
    const items = (answer[member] as unknown[] | undefined) ?? [];
    const size = Math.min(20, Number(input.MaxResults ?? 20) || 20);
    if (items.length <= size) return answer;
    const token = `sim-${nextToken++}`;
    rest.set(token, items.slice(size));
    return { ...answer, [member]: items.slice(0, size), NextToken: token };
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await bodyOf(req);
      const header = String(req.headers['x-amz-target'] ?? '');
      const operation = header.slice(header.lastIndexOf('.') + 1);
      if (!admit(operation)) {
        throttled[operation] = (throttled[operation] ?? 0) + 1;
        return json(res, 400, { __type: 'TooManyRequestsException', Message: 'Rate exceeded' });
      }
      calls[operation] = (calls[operation] ?? 0) + 1;
      const now = options.clock.now();
      spans[operation] = { first: spans[operation]?.first ?? now, last: now };
      const member = REPAGED[operation];
      const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
      if (member && token && rest.has(token)) {
        const items = rest.get(token) ?? [];
        rest.delete(token);
        return json(res, 200, repage(member, input, { [member]: items }));
      }
      const answer = await forward(req, body, routes.get(operation) ?? target);
      if (!member || answer.status !== 200) {
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end(answer.body);
      }
      json(res, 200, repage(member, input, JSON.parse(answer.body.toString('utf8'))));
    } catch (error) {
      json(res, 500, { __type: 'ServiceException', Message: String(error) });
    }
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    calls,
    throttled,
    spans,
    route(operations, to) {
      for (const operation of operations) routes.set(operation, new URL(to));
    },
    reset() {
      buckets = new Map();
      routes = new Map();
      for (const record of [calls, throttled, spans])
        for (const key of Object.keys(record)) delete record[key];
      rest.clear();
    },
    async stop() {
      agent.destroy();
      await listening.stop();
    },
  };
}
