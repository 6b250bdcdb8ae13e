/**
 * What Amazon Bedrock says of the guardrails a plan would enforce, for the pre-flight
 * (domain/policy-types/bedrock/preflight.ts judges it): GetGuardrail [BEDROCK-GET-GUARDRAIL] and
 * GetResourcePolicy [BEDROCK-GET-RESOURCE-POLICY], each in the guardrail's own Region, with the
 * credentials of the management account (the Organizations client's: a role it assumes is used here
 * too).
 *
 * The calls go through the AWS SDK's Bedrock client (@aws-sdk/client-bedrock), one client per Region,
 * built as adapters/aws/clients.ts builds the Organizations client: adaptive retry with the same
 * attempt budget, every attempt bounded in time and every call supervised (adapters/aws/bounded-calls.ts),
 * and, when given, an AbortSignal on every call. The endpoint is the SDK's own: the standard
 * environment (`AWS_ENDPOINT_URL_BEDROCK`, then `AWS_ENDPOINT_URL`), else AWS's endpoint of the Region,
 * so the tests answer from a scripted stand-in exactly as AWS would. Errors are translated as every
 * other AWS error is (adapters/aws/errors.ts), named with the guardrail and its Region; a
 * ResourceNotFoundException is an answer (no such guardrail version, no resource policy), not an error.
 *
 * The client is loaded when the first guardrail is read, so a session (and a Lambda function) that
 * reads none never loads it.
 */
import type { BedrockClient, GetGuardrailCommandOutput } from '@aws-sdk/client-bedrock';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { ServiceException } from '@smithy/core/client';
import { echo } from '../../domain/echo.ts';
import { PermissionError, ServiceUnavailableError } from '../../domain/errors.ts';
import {
  BEDROCK_SECTION_POLICY_TYPE,
  type GuardrailObservation,
  type GuardrailRead,
  type GuardrailToCheck,
  type PreflightContext,
  type PreflightResult,
  preflight,
  type ResourcePolicyRead,
} from '../../domain/policy-types/version-1.ts';
import {
  boundedRequestHandler,
  type CallWatch,
  superviseCalls,
  withAbortSignal,
} from '../aws/bounded-calls.ts';
import { MAX_ATTEMPTS } from '../aws/clients.ts';
import { errorName, translateAwsError, withDeploymentSetting } from '../aws/errors.ts';

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface GuardrailReaderOptions {
  credentials: Credentials;
  /** Where Bedrock answers; by default the environment's (above), else AWS's endpoint of each Region. */
  endpoint?: string;
  /** Attempts per call, retries included (default: every client's, MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** Records the calls in flight, for deadline messages. */
  watch?: CallWatch;
  /** Cuts every call in flight when it aborts. */
  abortSignal?: AbortSignal;
}

type Operation = 'GetGuardrail' | 'GetResourcePolicy';

type BedrockModule = typeof import('@aws-sdk/client-bedrock');

let loaded: Promise<BedrockModule> | undefined;
const bedrockModule = (): Promise<BedrockModule> => {
  loaded ??= import('@aws-sdk/client-bedrock');
  return loaded;
};

/** Reads GetGuardrail and GetResourcePolicy; one reader serves every guardrail of a plan. */
export class GuardrailReader {
  private readonly clients = new Map<string, BedrockClient>();

  constructor(private readonly options: GuardrailReaderOptions) {}

  /** What Bedrock says of one guardrail version; a guardrail not found is not read further. */
  async observe(item: GuardrailToCheck): Promise<GuardrailObservation> {
    const guardrail = await this.getGuardrail(item);
    if (guardrail.kind === 'not-found') return { guardrail };
    return { guardrail, resourcePolicy: await this.getResourcePolicy(item) };
  }

  private async getGuardrail(item: GuardrailToCheck): Promise<GuardrailRead> {
    const sdk = await bedrockModule();
    let answer: GetGuardrailCommandOutput;
    try {
      answer = await this.clientIn(sdk, item.region).send(
        new sdk.GetGuardrailCommand({
          guardrailIdentifier: item.guardrail,
          guardrailVersion: String(item.version),
        }),
      );
    } catch (error) {
      if (error instanceof sdk.ResourceNotFoundException)
        return { kind: 'not-found', message: error.message };
      throw this.failure('GetGuardrail', item, error);
    }
    const { guardrailArn, version, status, automatedReasoningPolicy } = answer;
    const policies = (automatedReasoningPolicy as { policies?: unknown } | undefined)?.policies ?? [];
    if (
      typeof guardrailArn !== 'string' ||
      typeof version !== 'string' ||
      typeof status !== 'string' ||
      !Array.isArray(policies) ||
      !policies.every((p) => typeof p === 'string')
    ) {
      throw new Error(
        `Bedrock's GetGuardrail answer for ${echo(item.guardrail)} in ${item.region} lacks its guardrailArn, version or status, or has a malformed automatedReasoningPolicy`,
      );
    }
    return { kind: 'found', guardrailArn, version, status, automatedReasoningPolicies: policies };
  }

  private async getResourcePolicy(item: GuardrailToCheck): Promise<ResourcePolicyRead> {
    const sdk = await bedrockModule();
    let document: unknown;
    try {
      ({ resourcePolicy: document } = await this.clientIn(sdk, item.region).send(
        new sdk.GetResourcePolicyCommand({ resourceArn: item.guardrail }),
      ));
    } catch (error) {
      if (error instanceof sdk.ResourceNotFoundException) return { kind: 'none', message: error.message };
      throw this.failure('GetResourcePolicy', item, error);
    }
    if (document === undefined || document === null || document === '') {
      return { kind: 'none', message: 'GetResourcePolicy returned no resourcePolicy' };
    }
    if (typeof document !== 'string') {
      throw new Error(
        `Bedrock's GetResourcePolicy answer for ${echo(item.guardrail)} in ${item.region} has a resourcePolicy that is not a string`,
      );
    }
    return { kind: 'found', document };
  }

  /** The client of `region`, built once per reader. */
  private clientIn(sdk: BedrockModule, region: string): BedrockClient {
    let client = this.clients.get(region);
    if (!client) {
      const { credentials, endpoint, maxAttempts, watch, abortSignal } = this.options;
      client = new sdk.BedrockClient({
        region,
        credentials,
        retryMode: 'adaptive',
        maxAttempts: maxAttempts ?? MAX_ATTEMPTS,
        requestHandler: boundedRequestHandler(),
        ...(endpoint ? { endpoint } : {}),
      });
      superviseCalls(client, watch);
      if (abortSignal) client = withAbortSignal(client, abortSignal);
      this.clients.set(region, client);
    }
    return client;
  }

  /** A failed call as the project's typed error (adapters/aws/errors.ts), naming the guardrail and its Region. */
  private failure(operation: Operation, item: GuardrailToCheck, error: unknown): unknown {
    const where = `${echo(item.guardrail)} in ${item.region}`;
    const said = `${errorName(error)}: ${echo(error instanceof Error ? error.message : String(error))}`;
    // Supervision's answer for a call that timed out or never connected, once its attempts were spent.
    if (error instanceof ServiceUnavailableError) {
      const endpoint = this.options.endpoint ? ` (${this.options.endpoint})` : '';
      return new ServiceUnavailableError(
        `cannot reach AWS bedrock for ${operation} in ${item.region}${endpoint}: ${error.message}`,
        { cause: error },
      );
    }
    const translated = translateAwsError(error, operation, 'bedrock');
    if (translated instanceof PermissionError) {
      const denied = new PermissionError(
        operation,
        translated.permission,
        `AWS denied ${operation} on ${where}: the credentials in use need ${translated.permission} there (see docs/permissions.md). AWS said: ${said}`,
        { cause: error },
      );
      return withDeploymentSetting(denied, BEDROCK_SECTION_POLICY_TYPE.facts);
    }
    if (translated instanceof ServiceUnavailableError) {
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
      return new ServiceUnavailableError(
        `AWS bedrock could not answer ${operation} for ${where}${attempts ? ` after ${attempts} attempts` : ''} (${said}); run again later`,
        { cause: error },
      );
    }
    if (translated !== error) return translated;
    if (error instanceof Error && error.name === 'AbortError') return error;
    // Any other answer of Bedrock's (a code the translation keeps as it is: InvalidSignatureException, ValidationException).
    if (error instanceof ServiceException) {
      return new Error(`Bedrock refused ${operation} for ${where} (${said})`, { cause: error });
    }
    return error;
  }
}

/** Reads and judges every guardrail a plan would enforce, one after another, in the order given. */
export async function preflightGuardrails(
  reader: Pick<GuardrailReader, 'observe'>,
  items: readonly GuardrailToCheck[],
  context: PreflightContext,
): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  for (const item of items) results.push(preflight(item, await reader.observe(item), context));
  return results;
}
