/**
 * AWS SDK clients, built in one place: the region of the global Organizations endpoint of the caller's
 * partition (domain/partitions.ts; STS, for the role, uses the same region), adaptive retry with a small
 * attempt budget, the standard credential chain or a role assumed through STS
 * (`fromTemporaryCredentials`), every call bounded in time (bounded-calls.ts), and the endpoint
 * overrides of the standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_ORGANIZATIONS`,
 * `AWS_ENDPOINT_URL_STS`), which the SDK reads itself, so everything runs unchanged against a local
 * emulator.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { ConfigurationError } from '../../domain/errors.ts';
import { organizationsRegionFor, policyTypeUnavailableIn } from '../../domain/partitions.ts';
import { VERSION_1_POLICY_TYPE } from '../../domain/policy-types/version-1.ts';
import {
  abortableRequestHandler,
  boundedRequestHandler,
  type CallWatch,
  superviseCalls,
  supervision,
} from './bounded-calls.ts';

/** The commercial partition's (us-east-1); the entry points pass their own partition's (organizationsRegionFor). */
const ORGANIZATIONS_REGION = organizationsRegionFor(undefined);
/** Attempts per call, retries included; the SDK's adaptive mode backs off on throttling. */
export const MAX_ATTEMPTS = 5;

interface AwsClientOptions {
  region?: string;
  /** Assume this role through STS first. */
  roleArn?: string;
  /** Names the STS session, so CloudTrail says who acted (`ai-optout-cli`, `ai-optout-pipeline`). */
  sessionName?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Explicit endpoint (tests); otherwise the SDK reads the standard environment. */
  endpoint?: string;
  maxAttempts?: number;
  /** Records the client's calls in flight (and STS's, with `roleArn`), for deadline messages. */
  watch?: CallWatch;
  /** Cuts the STS calls of `roleArn` (the Organizations calls are cut by the caller's `send`). */
  abortSignal?: AbortSignal;
}

/** Attempts of an STS AssumeRole: each Organizations attempt waits for it, so it gives up early. */
const STS_ATTEMPTS = 2;

/**
 * A credentials provider that assumes `roleArn` (`fromTemporaryCredentials`: the Organizations client
 * caches the session and refreshes it before it expires). STS is called in the Organizations region,
 * the partition's (its regional endpoint in that partition), with the same time bounds, supervision
 * and abort signal as every other call.
 */
function assumedRole(
  roleArn: string,
  sessionName: string,
  options: Pick<AwsClientOptions, 'region' | 'credentials' | 'endpoint' | 'watch' | 'abortSignal'>,
): AwsCredentialIdentityProvider {
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64), DurationSeconds: 3600 },
    ...(options.credentials ? { masterCredentials: options.credentials } : {}),
    clientConfig: {
      region: options.region ?? ORGANIZATIONS_REGION,
      maxAttempts: STS_ATTEMPTS,
      requestHandler: options.abortSignal
        ? abortableRequestHandler(options.abortSignal)
        : boundedRequestHandler(),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    },
    clientPlugins: [supervision(options.watch)],
  });
}

export function sessionNameFor(tool: 'cli' | 'pipeline', now = new Date()): string {
  return `ai-optout-${tool}-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** Throws a ConfigurationError (one sentence) where AWS says the policy type does not apply (GovCloud). */
export function createOrganizationsClient(options: AwsClientOptions = {}): OrganizationsClient {
  const region = options.region ?? ORGANIZATIONS_REGION;
  const unavailable = policyTypeUnavailableIn(VERSION_1_POLICY_TYPE.facts, region);
  if (unavailable) throw new ConfigurationError(unavailable);
  const credentials = options.roleArn
    ? assumedRole(options.roleArn, options.sessionName ?? sessionNameFor('cli'), options)
    : options.credentials;
  const client = new OrganizationsClient({
    region,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: boundedRequestHandler(),
    ...(credentials ? { credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  superviseCalls(client, options.watch);
  return client;
}
