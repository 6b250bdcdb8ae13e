/**
 * Helpers the live benchmarks share: bounded concurrency, moto's account header, number formats,
 * plain-text tables, and the small HTTP servers' plumbing (AWS's JSON protocol).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';

/** The management account moto gives the organization it creates for this caller. */
export const MOTO_ACCOUNT_ID = '123456789012';

export /** Runs `fn` over `items` with at most `limit` running at once; results keep the input order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Names the caller's account on every request. Without it moto 5.2.1 finds the account from the access
 * key by scanning the IAM backend of every account (moto/iam/models.py get_account_id_from), and
 * CreateAccount makes one per account: every call then costs O(accounts), about 36 ms a call at 5,000
 * accounts, which swamps what is measured. moto reads this header before the access key.
 */
export function nameMotoAccount(client: OrganizationsClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers) request.headers['x-moto-account-id'] = MOTO_ACCOUNT_ID;
      return next(args);
    },
    { step: 'build', name: 'benchMotoAccountId' },
  );
}

export const seconds = (ms: number) => ms / 1000;
export const fmtS = (s: number) =>
  s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
export const fmtN = (n: number) => n.toLocaleString('en-US');

export function table(rows: string[][], alignLeft = 1): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i < alignLeft ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The whole body of a request or response. */
export async function bodyOf(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers in AWS's JSON 1.1 protocol (errors carry `__type`, as AWS's do). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(body));
}

/** Listens on a free loopback port; returns the endpoint and a stop function. */
export async function listenOnLoopback(server: Server): Promise<{ endpoint: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
