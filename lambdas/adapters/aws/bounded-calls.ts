/**
 * Every AWS call bounded in time. The SDK has no timeout of its own (a server that accepts the
 * connection and never answers holds a call forever), so each client gets:
 * - `CALL_TIMEOUTS` on its HTTP handler (@smithy/node-http-handler `connectionTimeout`,
 *   `requestTimeout` with `throwOnRequestTimeout`, and `socketTimeout` for a body that stalls), each
 *   attempt then ending in a TimeoutError that the SDK retries within its attempt budget;
 * - `superviseCalls`: the calls in flight recorded in a CallWatch (so a deadline can say which
 *   endpoint it was waiting for), and a call that timed out or could not connect, once its attempts are
 *   spent, reported as ServiceUnavailableError naming the service, the operation and the endpoint;
 * - `withAbortSignal` (the pipeline job): the job's AbortSignal passed to every `send`, so a call in
 *   flight is cut at the deadline (the socket is destroyed, and no retry starts after it);
 *   `abortableRequestHandler` does the same for a client the SDK builds and sends with itself (STS
 *   inside fromTemporaryCredentials): its HTTP handler adds the signal to every request.
 */
import { setMaxListeners } from 'node:events';
import type {
  BuildMiddleware,
  HttpHandlerOptions,
  HttpRequest,
  MiddlewareStack,
  Pluggable,
} from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ServiceUnavailableError } from '../../domain/errors.ts';
import { plural } from '../../domain/plural.ts';
import { networkErrorCode } from './errors.ts';
import { unimplementedOperations } from './unimplemented.ts';

export const CALL_TIMEOUTS = {
  /** TCP (and TLS) connection. */
  connectMs: 5_000,
  /** From sending the request to the response's headers; AWS answers these APIs in well under a second. */
  answerMs: 10_000,
  /** Silence in the middle of a response body (an S3 object). */
  idleMs: 10_000,
} as const;

/** The HTTP handler options every client is built with (the SDK builds its NodeHttpHandler from them). */
export function boundedRequestHandler() {
  return {
    connectionTimeout: CALL_TIMEOUTS.connectMs,
    requestTimeout: CALL_TIMEOUTS.answerMs,
    throwOnRequestTimeout: true,
    socketTimeout: CALL_TIMEOUTS.idleMs,
  };
}

interface CallInFlight {
  service: string;
  operation: string;
  endpoint: string;
  startedAt: number;
}

/** The calls a process has in flight, oldest first. */
export class CallWatch {
  private readonly calls = new Set<CallInFlight>();
  private count = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Calls started so far (attempts of one call count once): the run's `ApiCalls` metric. */
  get started(): number {
    return this.count;
  }

  start(call: Omit<CallInFlight, 'startedAt'>): () => void {
    const entry = { ...call, startedAt: this.now() };
    this.count++;
    this.calls.add(entry);
    return () => this.calls.delete(entry);
  }

  list(): CallInFlight[] {
    return [...this.calls];
  }

  /** "S3 GetObject to http://127.0.0.1:9000 had no answer for 12 s", for the oldest calls in flight for at least `minAgeMs` (at most 3). */
  describe(minAgeMs = 0): string | undefined {
    const now = this.now();
    const calls = this.list().filter((c) => now - c.startedAt >= minAgeMs);
    if (calls.length === 0) return undefined;
    const shown = calls
      .slice(0, 3)
      .map(
        (c) =>
          `${c.service} ${c.operation} to ${c.endpoint} had no answer for ${Math.round((now - c.startedAt) / 1000)} s`,
      );
    const more = calls.length > 3 ? ` and ${calls.length - 3} more calls` : '';
    return `${shown.join('; ')}${more}`;
  }
}

function endpointOf(request: unknown): string {
  const r = request as Partial<HttpRequest> | undefined;
  if (!r?.hostname) return 'an unknown endpoint';
  return `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
}

/**
 * The error that replaces a timeout or a network failure once the SDK has spent its attempts. It has no
 * `cause` on purpose: the SDK retries any error whose cause is a timeout, so a credentials provider
 * (STS) that gave up would otherwise be retried again by every call waiting for it.
 */
function unanswered(error: unknown, service: string, operation: string, endpoint: string): unknown {
  const e = error as { name?: string; $metadata?: { attempts?: number } };
  const attempts = e.$metadata?.attempts ?? 1;
  const tries = plural(attempts, 'attempt');
  // @smithy/node-http-handler's timeouts are plain Errors named TimeoutError (it exports no class).
  if (e.name === 'TimeoutError') {
    return new ServiceUnavailableError(
      `no answer from ${service} at ${endpoint} for ${operation}: ${tries} timed out`,
    );
  }
  const code = networkErrorCode(error);
  if (code) {
    return new ServiceUnavailableError(
      `cannot reach ${service} at ${endpoint} for ${operation} (${code}, ${tries})`,
    );
  }
  return error;
}

interface HasMiddleware<I extends object, O extends object> {
  middlewareStack: MiddlewareStack<I, O>;
}

/** Records each call in `watch` while it runs, and names the endpoint of one that got no answer. */
export function supervision<I extends object, O extends object>(watch?: CallWatch): Pluggable<I, O> {
  const middleware: BuildMiddleware<I, O> = (next, context) => async (args) => {
    const service = String(context.clientName ?? 'AWS').replace(/Client$/, '');
    const operation = String(context.commandName ?? 'call').replace(/Command$/, '');
    const endpoint = endpointOf(args.request);
    const done = watch?.start({ service, operation, endpoint });
    try {
      return await next(args);
    } catch (error) {
      throw unanswered(error, service, operation, endpoint);
    } finally {
      done?.();
    }
  };
  return {
    applyToStack: (stack) => {
      stack.add(middleware, { step: 'build', name: 'aiOptoutSuperviseCalls', override: true });
      // Every supervised client also ends a call at once where the endpoint lacks the operation.
      unimplementedOperations<I, O>().applyToStack(stack);
    },
  };
}

/** {@link supervision} on a client built here. */
export function superviseCalls<I extends object, O extends object>(
  client: HasMiddleware<I, O>,
  watch?: CallWatch,
): void {
  client.middlewareStack.use(supervision<I, O>(watch));
}

/**
 * The bounded HTTP handler, whose every request is also cut when `signal` aborts: for clients the SDK
 * builds itself (STS inside fromTemporaryCredentials), whose `send` this code never calls.
 */
export function abortableRequestHandler(signal: AbortSignal): NodeHttpHandler {
  return new AbortableHttpHandler(sharedSignal(signal));
}

class AbortableHttpHandler extends NodeHttpHandler {
  constructor(private readonly signal: AbortSignal) {
    super(boundedRequestHandler());
  }

  override handle(request: Parameters<NodeHttpHandler['handle']>[0], options: HttpHandlerOptions = {}) {
    return super.handle(request, { ...options, abortSignal: options.abortSignal ?? this.signal });
  }
}

type Sends = { send(command: never, options?: HttpHandlerOptions): Promise<unknown> };

/**
 * How many calls in flight may share one AbortSignal. Each call adds one abort listener for as long as
 * it runs (the SDK's HTTP handler removes it when the request closes); past Node's default of 10,
 * Node prints a MaxListenersExceededWarning on stderr, which a run with a few concurrent reads
 * reaches. The throttle lets 4 calls per operation run at once, over about 20 operations; a count
 * well above that still warns of a real leak.
 */
export const CALLS_PER_SIGNAL = 256;

/** Lets `signal` cut up to CALLS_PER_SIGNAL calls at once without a warning; returns it. */
export function sharedSignal(signal: AbortSignal): AbortSignal {
  setMaxListeners(CALLS_PER_SIGNAL, signal);
  return signal;
}

/**
 * `client` whose every `send` carries `signal` (a derived object: the client itself is unchanged).
 * The SDK passes the signal to the HTTP handler, which destroys the request when it aborts, and to its
 * retry loop, which starts no further attempt.
 */
export function withAbortSignal<C extends Sends>(client: C, signal: AbortSignal): C {
  sharedSignal(signal);
  const send = client.send.bind(client);
  const bound = Object.create(client) as C;
  bound.send = (command: never, options?: HttpHandlerOptions) =>
    send(command, { ...options, abortSignal: options?.abortSignal ?? signal });
  return bound;
}

/** A client supervised by `watch` whose every call is cut when `signal` aborts (the pipeline job's clients). */
export function boundedClient<I extends object, O extends object, C extends Sends>(
  client: C & HasMiddleware<I, O>,
  signal: AbortSignal,
  watch: CallWatch,
): C {
  superviseCalls(client, watch);
  return withAbortSignal(client, signal);
}
