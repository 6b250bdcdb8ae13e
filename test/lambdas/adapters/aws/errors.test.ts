import { describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../../lambdas/adapters/aws/errors.ts';
import {
  ConfigurationError,
  failureTypeFor,
  PermissionError,
  ServiceUnavailableError,
} from '../../../../lambdas/domain/errors.ts';

function awsError(name: string, status: number, message = 'AWS said no'): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts: 3 } });
}

describe('translateAwsError', () => {
  it('access denied names the operation and the permission, with the S3 KMS hint for artifacts', () => {
    const organizations = translateAwsError(awsError('AccessDeniedException', 400), 'ListRoots');
    expect(organizations).toBeInstanceOf(PermissionError);
    expect((organizations as PermissionError).permission).toBe('organizations:ListRoots');
    const s3 = translateAwsError(awsError('AccessDenied', 403), 'GetObject', 's3') as PermissionError;
    expect(s3.permission).toBe('s3:GetObject');
    expect(s3.message).toMatch(/kms:Decrypt/);
    expect(failureTypeFor(s3)).toBe('PermissionError');
  });

  it('throttling and server errors past the retry budget are "unavailable", for every service', () => {
    for (const [name, status] of [
      ['TooManyRequestsException', 400],
      ['SlowDown', 503],
      ['InternalError', 500],
      ['SyntaxError', 502],
    ] as const) {
      const translated = translateAwsError(awsError(name, status), 'GetObject', 's3');
      expect(translated, name).toBeInstanceOf(ServiceUnavailableError);
      expect((translated as Error).message).toContain('after 3 attempts');
      expect(failureTypeFor(translated)).toBe('SystemUnavailable');
    }
  });

  it('a caller outside an organization is a configuration problem; other errors pass through', () => {
    expect(translateAwsError(awsError('AWSOrganizationsNotInUseException', 400), 'ListRoots')).toBeInstanceOf(
      ConfigurationError,
    );
    const duplicate = awsError('DuplicatePolicyAttachmentException', 400);
    expect(translateAwsError(duplicate, 'AttachPolicy')).toBe(duplicate);
  });
});
