/**
 * An endpoint that does not implement an operation: an emulator (moto answers an operation it lacks
 * with HTTP 500 and an HTML page), or a proxy in front of the wrong host. Retrying cannot help, so
 * the call ends at its first answer with an UnsupportedOperationError that names the operation, the
 * endpoint, and the way out where there is one.
 *
 * Recognised by what AWS never sends for a JSON or query API: an error body that is not the protocol's
 * (the SDK's deserializer fails on it) with HTTP 404, 500 or 501, any HTTP 501, or an error code that
 * means "no such operation" (AWS's JSON protocol answers `UnknownOperationException`; query APIs
 * `InvalidAction`). A 502, 503 or 504 with a page from a gateway stays transient and is retried.
 */
import type { DeserializeMiddleware, HttpResponse, Pluggable } from '@aws-sdk/types';
import { UnsupportedOperationError } from '../../domain/errors.ts';

const UNKNOWN_OPERATION_CODES = new Set([
  'UnknownOperationException',
  'UnknownOperation',
  'InvalidAction',
  'NotImplemented',
]);

/** The statuses at which an answer that is not AWS's protocol means "not implemented here". */
const NOT_IMPLEMENTED_STATUSES = new Set([404, 500, 501]);

/** What to do instead, for the operations the CLI can go without. */
const WAY_OUT: Record<string, string> = {
  DescribeEffectivePolicy:
    'pass --verify none to plan without AWS\'s confirmation of the computed effective policies (in the pipeline job: "verify": "none" in UserParameters)',
};

interface Answered {
  name?: string;
  $response?: HttpResponse;
  $metadata?: { httpStatusCode?: number };
}

/** Why the answer shows the endpoint lacks the operation, or undefined if it does not. */
export function notImplementedReason(error: unknown): string | undefined {
  const e = (error ?? {}) as Answered;
  const status = e.$response?.statusCode ?? e.$metadata?.httpStatusCode;
  if (e.name && UNKNOWN_OPERATION_CODES.has(e.name)) return `it answered ${e.name}`;
  if (status === 501) return 'it answered HTTP 501 Not Implemented';
  const type = String(e.$response?.headers?.['content-type'] ?? 'no content type');
  // The SDK's deserializer throws a SyntaxError (JSON) or its XML parser's error on a body that is not AWS's.
  const notProtocol = e.name === 'SyntaxError' || /html/i.test(type);
  if (status !== undefined && NOT_IMPLEMENTED_STATUSES.has(status) && notProtocol)
    return `it answered HTTP ${status} with ${type.split(';')[0]} instead of AWS's protocol`;
  return undefined;
}

function endpointOf(request: unknown): string {
  const r = request as { protocol?: string; hostname?: string; port?: number } | undefined;
  return r?.hostname
    ? `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}`
    : 'the endpoint';
}

/**
 * Outside the SDK's deserializer and inside its retry loop: the error replaces the SDK's before the
 * retry strategy sees it. It has no `cause` and no HTTP status, which the strategy would retry.
 */
export function unimplementedOperations<I extends object, O extends object>(): Pluggable<I, O> {
  const middleware: DeserializeMiddleware<I, O> = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      const reason = notImplementedReason(error);
      if (!reason) throw error;
      const service = String(context.clientName ?? 'AWS').replace(/Client$/, '');
      const operation = String(context.commandName ?? 'call').replace(/Command$/, '');
      const wayOut = WAY_OUT[operation] ?? 'point the command at an endpoint that implements it';
      throw new UnsupportedOperationError(
        operation,
        `${endpointOf(args.request)} does not implement ${service} ${operation} (${reason}; an emulator such as moto lacks it): ${wayOut}`,
      );
    }
  };
  return {
    applyToStack: (stack) =>
      stack.add(middleware, {
        step: 'deserialize',
        priority: 'high',
        name: 'aiOptoutUnimplementedOperations',
        override: true,
      }),
  };
}
