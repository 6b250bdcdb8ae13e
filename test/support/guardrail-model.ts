/**
 * A scripted stand-in for the two Amazon Bedrock reads of the pre-flight, which moto does not have:
 * GetGuardrail (`GET /guardrails/{guardrailIdentifier}?guardrailVersion=N`) and GetResourcePolicy
 * (`GET /resource-policy/{resourceArn}`), in Bedrock's wire format (REST-JSON; shapes and error codes
 * from botocore, botocore/data/bedrock/2023-04-20/service-2.json). The fault proxy answers every
 * request signed for the service `bedrock` from here, as it answers DescribeEffectivePolicy from
 * effective-policy-model.ts; `startGuardrailStandIn` serves it alone. The requests are the SDK's
 * (@aws-sdk/client-bedrock): the guardrail ARN as one URL-encoded path segment (`arn%3Aaws%3A…%2F…`).
 *
 * A guardrail is scripted per Region (its ARN's): its versions, each with a status and the
 * automated-reasoning policies it holds, and its resource policy. Anything not scripted is
 * ResourceNotFoundException, as AWS answers.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './moto-org.ts';

export interface ScriptedVersion {
  status?: string;
  automatedReasoningPolicies?: string[];
  /** What GetGuardrail answers as `version` (a hostile answer); the version asked for by default. */
  answeredVersion?: string;
  /** What GetGuardrail answers as `guardrailArn`; the guardrail asked about by default. */
  answeredArn?: string;
}

export interface ScriptedGuardrail {
  /** Versions by number; `DRAFT` always exists. */
  versions: Record<string, ScriptedVersion>;
  /** The resource policy's JSON text; absent: none (ResourceNotFoundException). */
  resourcePolicy?: string;
}

export interface GuardrailCall {
  operation: 'GetGuardrail' | 'GetResourcePolicy' | 'unknown';
  /** The guardrail asked about, decoded. */
  guardrail: string;
  version: string | undefined;
  /** The Region the request was signed for. */
  signedRegion: string | undefined;
}

export interface ModelAnswer {
  status: number;
  payload: Record<string, unknown>;
  errorType?: string;
}

const notFound = (message: string): ModelAnswer => ({
  status: 404,
  payload: { message },
  errorType: 'ResourceNotFoundException',
});

/** The Region of a guardrail ARN, or undefined. */
const regionOf = (arn: string) => /^arn:[^:]+:bedrock:([^:]+):/.exec(arn)?.[1];

export class GuardrailModel {
  /** The scripted guardrails by ARN (without a version). */
  readonly guardrails = new Map<string, ScriptedGuardrail>();
  /** Errors to answer instead, by operation (`AccessDeniedException`, `ThrottlingException`). */
  readonly faults = new Map<GuardrailCall['operation'], { status: number; type: string }>();
  readonly calls: GuardrailCall[] = [];

  clear(): void {
    this.guardrails.clear();
    this.faults.clear();
    this.calls.length = 0;
  }

  /** The answer to a request for `url` signed for `signedRegion`. */
  answer(method: string, url: string, signedRegion: string | undefined): ModelAnswer {
    const { pathname, searchParams } = new URL(url, 'http://stand-in');
    const [, kind, encoded = ''] = /^\/(guardrails|resource-policy)\/([^/]+)$/.exec(pathname) ?? [];
    const guardrail = decodeURIComponent(encoded);
    const operation = kind === 'guardrails' ? 'GetGuardrail' : kind ? 'GetResourcePolicy' : 'unknown';
    const version = searchParams.get('guardrailVersion') ?? undefined;
    this.calls.push({ operation, guardrail, version, signedRegion });
    if (method !== 'GET' || operation === 'unknown') {
      return {
        status: 404,
        payload: { message: `no route ${method} ${pathname}` },
        errorType: 'UnknownOperationException',
      };
    }
    const fault = this.faults.get(operation);
    if (fault)
      return { status: fault.status, payload: { message: `scripted ${fault.type}` }, errorType: fault.type };
    // A guardrail lives in one Region: asked in another, Bedrock does not know it.
    const scripted = regionOf(guardrail) === signedRegion ? this.guardrails.get(guardrail) : undefined;
    if (!scripted) return notFound(`The guardrail ${guardrail} was not found.`);
    if (operation === 'GetResourcePolicy') {
      return scripted.resourcePolicy === undefined
        ? notFound(`No resource policy is attached to ${guardrail}.`)
        : { status: 200, payload: { resourcePolicy: scripted.resourcePolicy } };
    }
    const asked = version ?? 'DRAFT';
    const entry =
      asked === 'DRAFT' ? { status: 'READY', ...scripted.versions.DRAFT } : scripted.versions[asked];
    if (!entry) return notFound(`Version ${asked} of the guardrail ${guardrail} was not found.`);
    const reasoning = entry.automatedReasoningPolicies ?? [];
    return {
      status: 200,
      payload: {
        name: 'guardrail',
        guardrailId: guardrail.slice(guardrail.lastIndexOf('/') + 1),
        guardrailArn: entry.answeredArn ?? guardrail,
        version: entry.answeredVersion ?? asked,
        status: entry.status ?? 'READY',
        createdAt: '2026-11-01T00:00:00Z',
        updatedAt: '2026-11-01T00:00:00Z',
        blockedInputMessaging: 'blocked',
        blockedOutputsMessaging: 'blocked',
        ...(reasoning.length > 0 ? { automatedReasoningPolicy: { policies: reasoning } } : {}),
      },
    };
  }
}

/** From `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`. */
export function signedScope(req: IncomingMessage): { region?: string; service?: string } {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  return scope ? { region: scope[1], service: scope[2] } : {};
}

/** Writes a model answer as Bedrock does (REST-JSON: the error type in `x-amzn-errortype`). */
export function writeAnswer(res: import('node:http').ServerResponse, answer: ModelAnswer): void {
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'x-amzn-requestid': 'guardrail-model',
    ...(answer.errorType
      ? { 'x-amzn-errortype': `${answer.errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/` }
      : {}),
  });
  res.end(JSON.stringify(answer.payload));
}

type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Bytes) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 for the verifying signer (node:crypto). */
class Sha256 {
  private readonly hash;
  constructor(secret?: Bytes) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Bytes): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * Whether the request carries a valid SigV4 signature of itself for `credentials`, as AWS checks it:
 * the same signature computed again over the path, query and signed headers the server received.
 */
export async function validSignature(
  req: IncomingMessage,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<boolean> {
  const authorization = req.headers.authorization ?? '';
  const { region, service } = signedScope(req);
  const names = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(req.headers['x-amz-date'] ?? ''));
  if (!region || !service || !date || names.length === 0) return false;
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const headers = Object.fromEntries(names.map((name) => [name, String(req.headers[name] ?? '')]));
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const [, y, mo, d, h, mi, se] = date.map(Number) as number[];
  const again = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
    },
    { signingDate: new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, se)) },
  );
  return again.headers.authorization === authorization;
}

/** The model alone behind an HTTP endpoint (the adapter's tests); a request signed wrongly is refused as AWS refuses it. */
export async function startGuardrailStandIn(): Promise<{
  endpoint: string;
  model: GuardrailModel;
  stop(): Promise<void>;
}> {
  const model = new GuardrailModel();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (!(await validSignature(req, TEST_CREDENTIALS))) {
        writeAnswer(res, {
          status: 403,
          payload: {
            message: 'The request signature we calculated does not match the signature you provided.',
          },
          errorType: 'InvalidSignatureException',
        });
        return;
      }
      writeAnswer(res, model.answer(req.method ?? 'GET', req.url ?? '/', signedScope(req).region));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    model,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
