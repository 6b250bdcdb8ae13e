/**
 * translateAwsError on the errors the SDK really throws: instances of the clients' exception classes
 * (as the SDK builds them from a response), and generic service exceptions for codes no service models.
 */
import { CodePipelineServiceException } from '@aws-sdk/client-codepipeline';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  DuplicatePolicyAttachmentException,
  OrganizationsServiceException,
  ServiceException as OrganizationsServiceFault,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { AccessDenied, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  isAccessDenied,
  networkErrorCode,
  translateAwsError,
} from '../../../../lambdas/adapters/aws/errors.ts';
import { OrganizationsReader } from '../../../../lambdas/adapters/organizations/reader.ts';
import { Throttle } from '../../../../lambdas/adapters/organizations/throttle.ts';
import {
  ConfigurationError,
  failureTypeFor,
  PermissionError,
  ServiceUnavailableError,
} from '../../../../lambdas/domain/errors.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  VERSION_1_POLICY_TYPE,
} from '../../../../lambdas/domain/policy-types/version-1.ts';

const metadata = (httpStatusCode: number) => ({ httpStatusCode, attempts: 3 });

/** A service exception of a code the service does not model, as the SDK builds it. */
function generic(name: string, httpStatusCode: number, Base = S3ServiceException) {
  return new Base({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: metadata(httpStatusCode),
    message: 'AWS said no',
  });
}

describe('translateAwsError', () => {
  it('access denied names the operation and the permission, with the S3 KMS hint for artifacts', () => {
    const organizations = translateAwsError(
      new AccessDeniedException({ message: 'denied', $metadata: metadata(400) }),
      'ListRoots',
    ) as PermissionError;
    expect(organizations).toBeInstanceOf(PermissionError);
    expect(organizations.permission).toBe('organizations:ListRoots');
    expect(organizations.message).toMatch(/management account or a delegated administrator/);

    const s3 = translateAwsError(
      new AccessDenied({ message: 'Access Denied', $metadata: metadata(403) }),
      'GetObject',
      's3',
    ) as PermissionError;
    expect(s3).toBeInstanceOf(PermissionError);
    expect(s3.permission).toBe('s3:GetObject');
    expect(s3.message).toMatch(/kms:Decrypt/);
    expect(failureTypeFor(s3)).toBe('PermissionError');
  });

  it('the access-denied codes no service models are recognised by name on SDK exceptions only', () => {
    // STS's AssumeRole and CodePipeline send these as generic service exceptions.
    expect(isAccessDenied(generic('AccessDenied', 403, OrganizationsServiceException))).toBe(true);
    expect(isAccessDenied(generic('AccessDeniedException', 400, CodePipelineServiceException))).toBe(true);
    // The same name on an error that did not come from an AWS answer is not AWS denying anything.
    expect(isAccessDenied(Object.assign(new Error('no'), { name: 'AccessDenied' }))).toBe(false);
    expect(isAccessDenied(generic('NoSuchKey', 404))).toBe(false);
  });

  it('throttling and server errors past the retry budget are "unavailable", for every service', () => {
    const cases = [
      new TooManyRequestsException({ message: 'Rate exceeded', $metadata: metadata(400) }),
      new OrganizationsServiceFault({ message: 'internal', $metadata: metadata(500) }),
      generic('SlowDown', 503),
      generic('InternalError', 500),
      generic('Throttling', 400, OrganizationsServiceException),
      generic('SyntaxError', 502),
    ];
    for (const error of cases) {
      const translated = translateAwsError(error, 'GetObject', 's3');
      expect(translated, error.name).toBeInstanceOf(ServiceUnavailableError);
      expect((translated as Error).message).toContain(`after 3 attempts (${error.name})`);
      expect(failureTypeFor(translated)).toBe('SystemUnavailable');
    }
  });

  it('a call that never reached AWS names the network error code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

    const translated = translateAwsError(refused, 'ListRoots');

    expect(translated).toBeInstanceOf(ServiceUnavailableError);
    expect((translated as Error).message).toBe(
      'cannot reach AWS organizations for ListRoots (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(networkErrorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
  });

  it('a caller outside an organization is a configuration problem; other errors pass through', () => {
    const outside = new AWSOrganizationsNotInUseException({
      message: 'not in use',
      $metadata: metadata(400),
    });
    expect(translateAwsError(outside, 'ListRoots')).toBeInstanceOf(ConfigurationError);

    const duplicate = new DuplicatePolicyAttachmentException({
      message: 'attached',
      $metadata: metadata(400),
    });
    expect(translateAwsError(duplicate, 'AttachPolicy')).toBe(duplicate);
    const notFound = generic('NoSuchKey', 404);
    expect(translateAwsError(notFound, 'GetObject', 's3')).toBe(notFound);
  });
});

describe('a denied call of a policy type the stack grants only with a setting', () => {
  /** A reader of `facts`' policies whose every call AWS denies. */
  const deniedReader = (facts: typeof VERSION_1_POLICY_TYPE.facts) =>
    new OrganizationsReader(
      {
        send: async () => {
          throw new AccessDeniedException({ message: 'denied', $metadata: metadata(400) });
        },
      } as unknown as OrganizationsClient,
      { policyType: facts, throttle: new Throttle({ rates: 'none' }) },
    );
  const SETTING =
    " (The stack's roles hold the permissions of Amazon Bedrock policies only when deployed with bedrockPolicies: -c bedrockPolicies=true, docs/permissions.md.)";

  it.each([
    ['AI opt-out policies: the permission alone', VERSION_1_POLICY_TYPE.facts, ''],
    [
      'Bedrock policies: the permission, then where the roles get it',
      BEDROCK_SECTION_POLICY_TYPE.facts,
      SETTING,
    ],
  ])('%s', async (_, facts, after) => {
    const error = await deniedReader(facts)
      .call('ListPolicies', (client) => client.send({} as never))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).permission).toBe('organizations:ListPolicies');
    expect((error as Error).message).toMatch(
      /^AWS denied ListPolicies: the credentials in use need organizations:ListPolicies /,
    );
    expect((error as Error).message.endsWith(`AWS said: denied${after}`)).toBe(true);
  });
});
