/**
 * An endpoint that lacks an operation (unimplemented.ts), with the production Organizations client
 * against a local server that answers each request as an emulator or a gateway would: the call ends at
 * the first answer with one sentence naming the operation, the endpoint and the way out, while a
 * gateway's 503 page is still retried as AWS being unavailable.
 */
import { createServer, type Server } from 'node:http';
import { DescribeEffectivePolicyCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrganizationsClient } from '../../../../lambdas/adapters/aws/clients.ts';
import { translateAwsError } from '../../../../lambdas/adapters/aws/errors.ts';
import {
  failureTypeFor,
  ServiceUnavailableError,
  UnsupportedOperationError,
} from '../../../../lambdas/domain/errors.ts';
import { TEST_CREDENTIALS } from '../../../support/moto-org.ts';

interface Answer {
  status: number;
  type: string;
  body: string;
}

let server: Server;
let endpoint = '';
let answer: Answer;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    requests++;
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  requests = 0;
});

const MOTO_PAGE = '<!doctype html>\n<title>500 Internal Server Error</title><h1>Internal Server Error</h1>';

async function call(command: DescribeEffectivePolicyCommand | ListRootsCommand): Promise<unknown> {
  const client = createOrganizationsClient({ endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 3 });
  try {
    await client.send(command as never);
    return undefined;
  } catch (error) {
    return translateAwsError(error, command.constructor.name.replace(/Command$/, ''));
  } finally {
    client.destroy();
  }
}

const describePolicy = () =>
  new DescribeEffectivePolicyCommand({ PolicyType: 'AISERVICES_OPT_OUT_POLICY', TargetId: '111122223333' });

describe('an endpoint that does not implement the operation', () => {
  it.each([
    [
      'moto: HTTP 500 with an HTML page',
      { status: 500, type: 'text/html; charset=utf-8', body: MOTO_PAGE },
      /it answered HTTP 500 with text\/html instead of AWS's protocol/,
    ],
    [
      'HTTP 404 with an HTML page',
      { status: 404, type: 'text/html', body: '<html>Not Found</html>' },
      /it answered HTTP 404 with text\/html/,
    ],
    [
      'HTTP 501 with JSON',
      {
        status: 501,
        type: 'application/json',
        body: '{"__type":"InternalFailure","message":"not yet implemented"}',
      },
      /it answered HTTP 501 Not Implemented/,
    ],
    [
      'UnknownOperationException (AWS JSON protocol)',
      { status: 400, type: 'application/x-amz-json-1.1', body: '{"__type":"UnknownOperationException"}' },
      /it answered UnknownOperationException/,
    ],
  ] as const)(
    '%s: one request, then one sentence naming the operation, the endpoint and --verify none',
    async (_kind, reply, reason) => {
      answer = reply;

      const error = await call(describePolicy());

      expect(requests).toBe(1);
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      const message = (error as Error).message;
      expect(message).toMatch(
        new RegExp(`^${endpoint} does not implement Organizations DescribeEffectivePolicy \\(`),
      );
      expect(message).toMatch(reason);
      expect(message).toMatch(/: pass --verify none to plan without AWS's confirmation/);
      expect(message).not.toMatch(/\n|Deserialization|\$response/);
      expect(failureTypeFor(error)).toBe('ConfigurationError');
    },
  );

  it('an operation the CLI cannot do without says to point the command at an endpoint that implements it', async () => {
    answer = { status: 500, type: 'text/html', body: MOTO_PAGE };

    const error = await call(new ListRootsCommand({}));

    expect(requests).toBe(1);
    expect((error as Error).message).toBe(
      `${endpoint} does not implement Organizations ListRoots (it answered HTTP 500 with text/html instead of AWS's protocol; an emulator such as moto lacks it): point the command at an endpoint that implements it`,
    );
  });
});

describe('answers that are not "not implemented"', () => {
  it("a gateway's 503 page is retried, then reported as AWS being unavailable", async () => {
    answer = { status: 503, type: 'text/html', body: '<html>Service Unavailable</html>' };

    const error = await call(describePolicy());

    expect(requests).toBe(3);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(
      /^AWS organizations kept failing DescribeEffectivePolicy after 3 attempts/,
    );
  });

  it("AWS's own 500 (JSON) is retried as a service fault", async () => {
    answer = {
      status: 500,
      type: 'application/x-amz-json-1.1',
      body: '{"__type":"ServiceException","message":"x"}',
    };

    const error = await call(describePolicy());

    expect(requests).toBe(3);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });
});
