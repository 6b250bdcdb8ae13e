/**
 * Turns AWS SDK errors into the project's typed errors (lambdas/domain/errors.ts maps those onto exit
 * codes and failure types): access denied names the operation and the IAM permission it needs;
 * throttling, service faults and unreachable endpoints past the retry budget become "unavailable".
 * Errors the caller handles itself (DuplicatePolicyAttachmentException, ...) pass through unchanged.
 *
 * Errors are recognised by the SDK's exception classes where the service models one (`instanceof`
 * on an SDK exception class also matches the same exception from another copy of the client, by
 * its name: ServiceException[Symbol.hasInstance] in @smithy/core), and by the SDK's own retry
 * classification (@smithy/core/retry) for throttling and transient faults, which no service models.
 */
import {
  AccessDeniedException,
  AccessDeniedForDependencyException,
  AWSOrganizationsNotInUseException,
  ServiceException as OrganizationsServiceFault,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { AccessDenied } from '@aws-sdk/client-s3';
import { ServiceException } from '@smithy/core/client';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { ConfigurationError, PermissionError, ServiceUnavailableError } from '../../domain/errors.ts';
import type { PolicyTypeFacts } from '../../domain/policy-types/policy-type.ts';

type Service = 'organizations' | 'sts' | 's3' | 'codepipeline' | 'securityhub' | 'config' | 'bedrock';

/** The error's name (an SDK exception's name is the service's error code), for messages. */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const named = error as { name?: string; code?: string; Code?: string };
    return named.name ?? named.code ?? named.Code ?? 'Error';
  }
  return 'Error';
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** Whether AWS denied the call: the modeled exceptions of Organizations and S3, or STS's and CodePipeline's. */
export function isAccessDenied(error: unknown): boolean {
  if (
    error instanceof AccessDeniedException ||
    error instanceof AccessDeniedForDependencyException ||
    error instanceof AccessDenied
  )
    return true;
  // STS (AssumeRole) and CodePipeline model no access-denied exception: their `AccessDenied` and
  // `AccessDeniedException` arrive as generic service exceptions, known only by their code.
  return (
    error instanceof ServiceException &&
    (error.name === 'AccessDenied' || error.name === 'AccessDeniedException')
  );
}

/**
 * The Node.js network error code (ECONNREFUSED, ENOTFOUND, ...) of a call that never reached AWS, as
 * the SDK's retry strategy classifies them (transient); undefined for anything else.
 */
export function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || httpStatus(error) !== undefined) return undefined;
  return isTransientError({ name: 'NetworkError', message: '', code, $metadata: {} } as never)
    ? code
    : undefined;
}

/** Throttling or a service fault: what the SDK retries, once its attempts are spent. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof TooManyRequestsException || error instanceof OrganizationsServiceFault) return true;
  if (!(error instanceof Error)) return false;
  const status = httpStatus(error);
  const sdkError = error as Parameters<typeof isThrottlingError>[0];
  return (
    isThrottlingError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError) ||
    (status !== undefined && status >= 500)
  );
}

function attempts(error: unknown): number | undefined {
  return (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
}

/** The IAM action for an API operation, such as `organizations:ListRoots`. */
function permissionFor(service: Service, operation: string): string {
  return `${service}:${operation}`;
}

const WHO_ELSE: Partial<Record<Service, string>> = {
  organizations:
    ' Organizations policy operations also require the management account or a delegated administrator.',
  s3: ' For a KMS-encrypted object the key must also allow kms:Decrypt (reads) or kms:GenerateDataKey (writes).',
};

export function translateAwsError(
  error: unknown,
  operation: string,
  service: Service = 'organizations',
): unknown {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isAccessDenied(error)) {
    const permission = permissionFor(service, operation);
    return new PermissionError(
      operation,
      permission,
      `AWS denied ${operation}: the credentials in use need ${permission} (see docs/permissions.md).${WHO_ELSE[service] ?? ''} AWS said: ${message}`,
      { cause: error },
    );
  }
  // @smithy/property-provider's CredentialsProviderError: the SDK's chain found nothing usable (no
  // variables, no profile, an expired SSO session). Nothing was sent, so nothing was denied.
  if (name === 'CredentialsProviderError') {
    return new ConfigurationError(
      `no usable AWS credentials for ${operation} (${message.replace(/\.$/, '')}): set AWS_PROFILE (run \`aws sso login\` first if the profile uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; \`ai-optout demo\` and \`plan --snapshot FILE\` need no credentials`,
      [],
      { cause: error },
    );
  }
  if (error instanceof AWSOrganizationsNotInUseException) {
    return new ConfigurationError(
      `${operation} failed: the account whose credentials are in use is not in an organization; use the management account (or pass --role-arn)`,
      [],
      { cause: error },
    );
  }
  const code = networkErrorCode(error);
  if (code) {
    return new ServiceUnavailableError(`cannot reach AWS ${service} for ${operation} (${code}): ${message}`, {
      cause: error,
    });
  }
  if (isUnavailable(error)) {
    const tries = attempts(error);
    return new ServiceUnavailableError(
      `AWS ${service} kept failing ${operation}${tries ? ` after ${tries} attempts` : ''} (${name}): ${message}`,
      { cause: error },
    );
  }
  return error;
}

/**
 * A denied call of a policy type the stack's roles hold only with a deployment setting: the message
 * adds where they get it, for whoever runs with their own credentials (the CLI) and for a
 * management-account role deployed without the setting. Anything else passes through unchanged.
 */
export function withDeploymentSetting(error: unknown, policyType: PolicyTypeFacts): unknown {
  const setting = policyType.deploymentSetting;
  if (!setting || !(error instanceof PermissionError)) return error;
  return new PermissionError(
    error.operation,
    error.permission,
    `${error.message} (The stack's roles hold the permissions of ${policyType.title} only when deployed with ${setting}: -c ${setting}=true, docs/permissions.md.)`,
    { cause: error.cause },
  );
}
