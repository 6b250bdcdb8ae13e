/**
 * Turns AWS SDK errors into the project's typed errors: access denied names the operation and the IAM
 * permission it needs; throttling and service faults past the retry budget become "unavailable".
 * Errors the caller handles itself (DuplicatePolicyAttachmentException, ...) pass through unchanged.
 */
import { ConfigurationError, PermissionError, ServiceUnavailableError } from '../../domain/errors.ts';

const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'AccessDeniedForDependencyException',
]);
const UNAVAILABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ServiceException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'SlowDown',
  'RequestTimeout',
  'TimeoutError',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const named = error as { name?: string; code?: string; Code?: string };
    return named.name ?? named.code ?? named.Code ?? 'Error';
  }
  return 'Error';
}

function attempts(error: unknown): number | undefined {
  return (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
}

/** The IAM action for an API operation, such as `organizations:ListRoots`. */
function permissionFor(service: 'organizations' | 'sts' | 's3', operation: string): string {
  return `${service}:${operation}`;
}

export function translateAwsError(
  error: unknown,
  operation: string,
  service: 'organizations' | 'sts' | 's3' = 'organizations',
): unknown {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (ACCESS_DENIED.has(name)) {
    const permission = permissionFor(service, operation);
    const who =
      service === 'organizations'
        ? ' Organizations policy operations also require the management account or a delegated administrator.'
        : service === 's3'
          ? ' For a KMS-encrypted object the key must also allow kms:Decrypt (reads) or kms:GenerateDataKey (writes).'
          : '';
    return new PermissionError(
      operation,
      permission,
      `AWS denied ${operation}: the credentials in use need ${permission} (see docs/permissions.md).${who} AWS said: ${message}`,
      { cause: error },
    );
  }
  if (name === 'AWSOrganizationsNotInUseException') {
    return new ConfigurationError(
      `${operation} failed: the account whose credentials are in use is not in an organization; use the management account (or pass --role-arn)`,
      [],
      { cause: error },
    );
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (UNAVAILABLE.has(name) || (status !== undefined && status >= 500)) {
    const tries = attempts(error);
    return new ServiceUnavailableError(
      `AWS ${service} kept failing ${operation}${tries ? ` after ${tries} attempts` : ''} (${name}): ${message}`,
      { cause: error },
    );
  }
  const code = (error as { code?: string })?.code;
  if (code && NETWORK.has(code)) {
    return new ServiceUnavailableError(`cannot reach AWS ${service} for ${operation} (${code}): ${message}`, {
      cause: error,
    });
  }
  return error;
}
