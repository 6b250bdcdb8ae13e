/**
 * Counting the calls a client makes, for the tests that pin how many calls a read or an apply costs
 * and for the benchmarks (bench/live.ts). Test support only: production code never counts.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PUBLISHED_RATES } from '../../lambdas/adapters/organizations/throttle.ts';

export type CallCounts = Record<string, number>;

/**
 * Counts calls per operation (one per `send`, retries not included) on a client. Pass `counts` to add
 * several clients' calls up in one record.
 */
export function countCalls(
  client: { middlewareStack: OrganizationsClient['middlewareStack'] },
  counts: CallCounts = {},
): CallCounts {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'aiOptoutCallCounter' },
  );
  return counts;
}

/** Organizations operations that change the organization (the applier sends all but UntagResource). */
export const WRITE_OPERATIONS = new Set([
  'EnablePolicyType',
  'CreatePolicy',
  'UpdatePolicy',
  'DeletePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'TagResource',
  'UntagResource',
]);

export function totalCalls(counts: CallCounts, filter: (operation: string) => boolean = () => true): number {
  return Object.entries(counts).reduce((sum, [op, n]) => (filter(op) ? sum + n : sum), 0);
}

/**
 * Seconds a mix of calls takes at the published rates, each operation paced by its own bucket and
 * all operations running in parallel: the slowest operation decides.
 */
export function secondsAtPublishedRates(calls: Readonly<CallCounts>): number {
  let slowest = 0;
  for (const [operation, count] of Object.entries(calls)) {
    const limit = PUBLISHED_RATES[operation];
    if (!limit || count === 0) continue;
    slowest = Math.max(slowest, Math.max(0, count - limit.burst) / limit.rate);
  }
  return slowest;
}
