/**
 * Every AWS call bounded (bounded-calls.ts), with the real SDK against local servers: one that
 * accepts connections and never answers, one that answers at once. The production clients carry
 * CALL_TIMEOUTS; a client with shorter timeouts shows what a timed-out call becomes; an AbortSignal
 * cuts a call in flight (its socket is closed, not abandoned).
 */
import { createServer, type Server } from 'node:http';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALL_TIMEOUTS,
  CallWatch,
  superviseCalls,
  withAbortSignal,
} from '../../../../lambdas/adapters/aws/bounded-calls.ts';
import { createOrganizationsClient } from '../../../../lambdas/adapters/aws/clients.ts';
import { artifactS3Client } from '../../../../lambdas/adapters/s3/artifacts.ts';
import { ServiceUnavailableError } from '../../../../lambdas/domain/errors.ts';
import { TEST_CREDENTIALS } from '../../../support/moto-org.ts';
import { type SilentServer, startSilentServer } from '../../../support/silent-server.ts';

const EXPECTED_TIMEOUTS = {
  connectionTimeout: CALL_TIMEOUTS.connectMs,
  requestTimeout: CALL_TIMEOUTS.answerMs,
  throwOnRequestTimeout: true,
  socketTimeout: CALL_TIMEOUTS.idleMs,
};

/** The settings of a client's NodeHttpHandler (its public `httpHandlerConfigs`, once a call has run). */
function handlerConfig(client: { config: { requestHandler: unknown } }): object {
  return (client.config.requestHandler as { httpHandlerConfigs(): object }).httpHandlerConfigs();
}

let silent: SilentServer;
let answering: Server;
let answeringEndpoint = '';

beforeAll(async () => {
  silent = await startSilentServer();
  answering = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: 'InvalidInputException', message: 'test' }));
  });
  await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
  const address = answering.address();
  answeringEndpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await silent?.stop();
  await new Promise((resolve) => answering?.close(resolve));
});

/** A client of the shape the factories build, with 300 ms timeouts so the test is quick. */
function quickClient(endpoint: string, watch?: CallWatch): OrganizationsClient {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint,
    credentials: TEST_CREDENTIALS,
    retryStrategy: new ConfiguredRetryStrategy(2, 0),
    requestHandler: {
      connectionTimeout: 300,
      requestTimeout: 300,
      throwOnRequestTimeout: true,
      socketTimeout: 300,
    },
  });
  superviseCalls(client, watch);
  return client;
}

/**
 * Sends ListRoots through `withAbortSignal(client, stop.signal)` to the silent server, runs `waiting`
 * once the server has the connection, then aborts with `reason`; returns the call's error and the
 * connections it opened (50 ms later, so a destroyed socket has closed).
 */
async function abortOnceConnected(
  client: OrganizationsClient,
  stop: AbortController,
  reason: string,
  waiting: () => void = () => {},
): Promise<{ error: Error; connections: SilentServer['connections'] }> {
  const before = silent.connections.length;
  const connected = new Promise<void>((resolve) => silent.onConnection(resolve));
  const call = withAbortSignal(client, stop.signal)
    .send(new ListRootsCommand({}))
    .catch((e: unknown) => e as Error);
  await connected;
  waiting();
  stop.abort(new Error(reason));
  const error = (await call) as Error;
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { error, connections: silent.connections.slice(before) };
}

describe('the production clients', () => {
  it('Organizations: connection, answer and idle timeouts on every call', async () => {
    // Prepare
    const client = createOrganizationsClient({ endpoint: answeringEndpoint, credentials: TEST_CREDENTIALS });

    // Act: one call, so that the SDK has built its HTTP handler
    await client.send(new ListRootsCommand({})).catch(() => undefined);

    // Assess
    expect(handlerConfig(client)).toMatchObject(EXPECTED_TIMEOUTS);
  });

  it('S3 (the input artifact): the same timeouts', async () => {
    // Prepare
    const client = artifactS3Client(
      { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      { AWS_ENDPOINT_URL_S3: answeringEndpoint, AWS_REGION: 'us-east-1' },
    );

    // Act
    await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).catch(() => undefined);

    // Assess
    expect(handlerConfig(client)).toMatchObject(EXPECTED_TIMEOUTS);
  });
});

describe('a call that gets no answer', () => {
  it('ends, once its attempts time out, as SystemUnavailable naming the service, the operation and the endpoint', async () => {
    // Prepare
    const client = quickClient(silent.endpoint);

    // Act
    const error = await client.send(new ListRootsCommand({})).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toBe(
      `no answer from Organizations at ${silent.endpoint} for ListRoots: 2 attempts timed out`,
    );
  });

  it('an endpoint that refuses connections is named too', async () => {
    // Prepare: a port nothing listens on (the answering server, once closed, frees its own)
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await new Promise((resolve) => closed.close(resolve));
    const client = quickClient(endpoint);

    // Act
    const error = await client.send(new ListRootsCommand({})).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toBe(
      `cannot reach Organizations at ${endpoint} for ListRoots (ECONNREFUSED, 2 attempts)`,
    );
  });

  it('is in the watch while it waits, and leaves it when it ends', async () => {
    // Prepare
    let now = 1_000;
    const watch = new CallWatch(() => now);
    const client = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: silent.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    superviseCalls(client, watch);
    let during: string | undefined;

    // Act
    const { error } = await abortOnceConnected(client, new AbortController(), 'deadline', () => {
      now += 12_000;
      during = watch.describe(1_000);
    });

    // Assess
    expect(during).toBe(`Organizations ListRoots to ${silent.endpoint} had no answer for 12 s`);
    expect(error.name).toBe('AbortError');
    expect(watch.list()).toEqual([]);
  });
});

describe('withAbortSignal', () => {
  it('cuts a call in flight: the request is destroyed, no retry starts, and the client itself is unchanged', async () => {
    // Prepare
    const client = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: silent.endpoint,
      credentials: TEST_CREDENTIALS,
      retryStrategy: new ConfiguredRetryStrategy(5, 0),
    });

    // Act
    const { error, connections } = await abortOnceConnected(client, new AbortController(), 'the deadline');

    // Assess
    expect(error.name).toBe('AbortError');
    expect((error.cause as Error).message).toBe('the deadline');
    expect(connections).toHaveLength(1);
    expect(connections[0]?.closed).toBe(true);
    expect(client.send).toBe(OrganizationsClient.prototype.send);
  });

  it('lets one signal cut 50 calls in flight without a MaxListenersExceededWarning', async () => {
    // Prepare: Node warns past 10 listeners on one AbortSignal, and every call in flight adds one.
    const client = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: silent.endpoint,
      credentials: TEST_CREDENTIALS,
      retryStrategy: new ConfiguredRetryStrategy(1, 0),
    });
    const stop = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const before = silent.connections.length;
    const bounded = withAbortSignal(client, stop.signal);

    // Act
    const calls = Array.from({ length: 50 }, () =>
      bounded.send(new ListRootsCommand({})).catch((e: unknown) => e),
    );
    while (silent.connections.length - before < 50) await new Promise((r) => setTimeout(r, 10));
    stop.abort(new Error('the deadline'));
    const errors = await Promise.all(calls);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);

    // Assess
    expect(errors.map((e) => (e as Error).name)).toEqual(Array(50).fill('AbortError'));
    expect(warnings).toEqual([]);
  });
});

describe('the role assumption (STS inside fromTemporaryCredentials)', () => {
  it('is supervised and cut by the abort signal: the AssumeRole in flight is destroyed, no Organizations call is sent', async () => {
    // Prepare: STS (at the same explicit endpoint as Organizations) never answers
    let now = 1_000;
    const watch = new CallWatch(() => now);
    const stop = new AbortController();
    const client = createOrganizationsClient({
      endpoint: silent.endpoint,
      credentials: TEST_CREDENTIALS,
      roleArn: 'arn:aws:iam::123456789012:role/ai-optout-audit',
      sessionName: 'ai-optout-pipeline-test',
      watch,
      abortSignal: stop.signal,
    });
    let during: string | undefined;

    // Act
    const { error, connections } = await abortOnceConnected(client, stop, 'the deadline', () => {
      now += 3_000;
      during = watch.describe(1_000);
    });

    // Assess
    expect(during).toBe(`STS AssumeRole to ${silent.endpoint} had no answer for 3 s`);
    expect(error.name).toBe('AbortError');
    expect(connections).toHaveLength(1);
    expect(connections[0]?.closed).toBe(true);
    expect(watch.list()).toEqual([]);
  });
});
