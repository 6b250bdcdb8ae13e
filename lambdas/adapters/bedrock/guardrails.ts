/**
 * What Amazon Bedrock says of the guardrails a plan would enforce, for the pre-flight
 * (domain/policy-types/bedrock/preflight.ts judges it): GetGuardrail [BEDROCK-GET-GUARDRAIL] and
 * GetResourcePolicy [BEDROCK-GET-RESOURCE-POLICY], each in the guardrail's own Region, with the
 * credentials of the management account (the Organizations client's: a role it assumes is used here
 * too).
 *
 * The package carries no Bedrock SDK client, so the two read-only REST calls are made here, signed
 * with SigV4 (@smithy/signature-v4, which every SDK client signs with) and sent with `fetch`, each
 * bounded by the same time limit as every other AWS call (adapters/aws/bounded-calls.ts). The endpoint
 * follows the SDK's environment: `AWS_ENDPOINT_URL_BEDROCK`, then `AWS_ENDPOINT_URL`, so the tests
 * answer from a scripted stand-in exactly as AWS would.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { echo } from '../../domain/echo.ts';
import { PermissionError, ServiceUnavailableError } from '../../domain/errors.ts';
import {
  type GuardrailObservation,
  type GuardrailRead,
  type GuardrailToCheck,
  type PreflightContext,
  type PreflightResult,
  preflight,
  type ResourcePolicyRead,
} from '../../domain/policy-types/version-1.ts';
import { CALL_TIMEOUTS } from '../aws/bounded-calls.ts';

type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface GuardrailReaderOptions {
  credentials: Credentials;
  /** Where Bedrock answers; by default the environment's (above), else AWS's endpoint of each Region. */
  endpoint?: string;
}

/** SHA-256 (and its HMAC, given a secret) as the signer asks for it, from node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : new Uint8Array(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(
      typeof data === 'string'
        ? data
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data),
    );
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** AWS's Bedrock endpoint of a Region (China's Regions answer under amazonaws.com.cn). */
function defaultEndpoint(region: string): string {
  return `https://bedrock.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function endpointFrom(environment: NodeJS.ProcessEnv): string | undefined {
  return environment.AWS_ENDPOINT_URL_BEDROCK || environment.AWS_ENDPOINT_URL || undefined;
}

interface Answer {
  status: number;
  /** The error code of a failed call (`x-amzn-errortype`, or the body's `__type`/`code`). */
  errorType: string | undefined;
  message: string;
  body: Record<string, unknown>;
}

/** Reads GetGuardrail and GetResourcePolicy; one reader serves every guardrail of a plan. */
export class GuardrailReader {
  private readonly endpoint: string | undefined;

  constructor(private readonly options: GuardrailReaderOptions) {
    this.endpoint = options.endpoint ?? endpointFrom(process.env);
  }

  /** What Bedrock says of one guardrail version; a guardrail not found is not read further. */
  async observe(item: GuardrailToCheck): Promise<GuardrailObservation> {
    const guardrail = await this.getGuardrail(item);
    if (guardrail.kind === 'not-found') return { guardrail };
    return { guardrail, resourcePolicy: await this.getResourcePolicy(item) };
  }

  private async getGuardrail(item: GuardrailToCheck): Promise<GuardrailRead> {
    const path = `/guardrails/${encodeURIComponent(item.guardrail)}`;
    const query = { guardrailVersion: String(item.version) };
    const answer = await this.get('GetGuardrail', item, path, query);
    if (answer.errorType === 'ResourceNotFoundException')
      return { kind: 'not-found', message: answer.message };
    this.throwUnlessOk('GetGuardrail', item, answer);
    const { guardrailArn, version, status, automatedReasoningPolicy } = answer.body;
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
    const path = `/resource-policy/${encodeURIComponent(item.guardrail)}`;
    const answer = await this.get('GetResourcePolicy', item, path, {});
    if (answer.errorType === 'ResourceNotFoundException') return { kind: 'none', message: answer.message };
    this.throwUnlessOk('GetResourcePolicy', item, answer);
    const document = answer.body.resourcePolicy;
    if (document === undefined || document === '') {
      return { kind: 'none', message: 'GetResourcePolicy returned no resourcePolicy' };
    }
    if (typeof document !== 'string') {
      throw new Error(
        `Bedrock's GetResourcePolicy answer for ${echo(item.guardrail)} in ${item.region} has a resourcePolicy that is not a string`,
      );
    }
    return { kind: 'found', document };
  }

  private throwUnlessOk(operation: string, item: GuardrailToCheck, answer: Answer): void {
    if (answer.status >= 200 && answer.status < 300) return;
    const said = `${answer.errorType ?? `HTTP ${answer.status}`}: ${echo(answer.message)}`;
    if (answer.errorType === 'AccessDeniedException') {
      const permission = `bedrock:${operation}`;
      throw new PermissionError(
        operation,
        permission,
        `AWS denied ${operation} on ${echo(item.guardrail)} in ${item.region}: the credentials in use need ${permission} there (see docs/permissions.md). AWS said: ${said}`,
      );
    }
    if (answer.status === 429 || answer.status >= 500 || answer.errorType === 'ThrottlingException') {
      throw new ServiceUnavailableError(
        `AWS bedrock could not answer ${operation} for ${echo(item.guardrail)} in ${item.region} (${said}); run again later`,
      );
    }
    throw new Error(`Bedrock refused ${operation} for ${echo(item.guardrail)} in ${item.region} (${said})`);
  }

  /** One signed GET in the guardrail's Region, bounded in time. */
  private async get(
    operation: string,
    item: GuardrailToCheck,
    path: string,
    query: Record<string, string>,
  ): Promise<Answer> {
    const base = new URL(this.endpoint ?? defaultEndpoint(item.region));
    const signer = new SignatureV4({
      service: 'bedrock',
      region: item.region,
      credentials: this.options.credentials,
      sha256: NodeSha256,
    });
    const request = {
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query,
      headers: { host: base.host, accept: 'application/json' },
    };
    const signed = await signer.sign(request);
    const search = new URLSearchParams(query).toString();
    let response: Response;
    try {
      response = await fetch(`${base.origin}${path}${search ? `?${search}` : ''}`, {
        method: 'GET',
        headers: signed.headers,
        signal: AbortSignal.timeout(CALL_TIMEOUTS.connectMs + CALL_TIMEOUTS.answerMs),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `cannot reach AWS bedrock for ${operation} in ${item.region} (${base.origin}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return answerOf(response);
  }
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    body = {};
  }
  const header = response.headers.get('x-amzn-errortype') ?? undefined;
  const fromBody = [body.__type, body.code].find((v): v is string => typeof v === 'string');
  const raw = header ?? fromBody;
  const errorType = raw?.split(':')[0]?.split('#').pop();
  const message = [body.message, body.Message].find((v): v is string => typeof v === 'string') ?? '';
  return { status: response.status, errorType: response.ok ? undefined : errorType, message, body };
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
