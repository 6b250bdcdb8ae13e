/**
 * A small HTTP proxy in front of moto that injects AWS faults on chosen operations: throttling,
 * access denied, conflicts moto never produces. The SDK under test talks to the proxy exactly as it
 * would to AWS and parses real error responses, so retry and error mapping are exercised end to end.
 *
 * Policy types moto lacks go to it as one it has (policy-type-stand-in.ts: BEDROCK_POLICY as TAG_POLICY),
 * so the reader and the applier write and read them through moto as they would through AWS.
 *
 * Operations are recognised from `X-Amz-Target` (JSON protocol: Organizations, CodePipeline) or the
 * `Action=` form field (query protocol: STS). It also records the SigV4 credential scope each request was
 * signed for (with a custom endpoint the SDK signs for the client's configured region).
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { EFFECTIVE_POLICY_OPERATIONS, EffectivePolicyModel } from './effective-policy-model.ts';
import { GuardrailModel, writeAnswer } from './guardrail-model.ts';
import { fromMoto, toMoto } from './policy-type-stand-in.ts';

export interface FaultRule {
  /** Operation name, such as `ListRoots` or `AttachPolicy`, or a predicate on it. */
  operation: string | ((operation: string) => boolean);
  /** How many matching requests fail; `Infinity` for all. */
  times: number;
  /** Matching requests to let through before the first fault (fail the n-th call: skip n - 1). */
  skip?: number;
  /** AWS error code, such as `TooManyRequestsException`; ignored when `rewrite` is set. */
  type: string;
  /**
   * Instead of an error: forward the request and answer with moto's JSON body changed by this
   * function (a state moto cannot produce, such as a policy type still PENDING_ENABLE).
   */
  rewrite?: (body: Record<string, unknown>) => Record<string, unknown>;
  status?: number;
  message?: string;
  /** Extra members of the error body, such as `{ Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' }`. */
  extra?: Record<string, unknown>;
  /** Forward the request to moto first, then answer with the fault (a lost response). */
  afterForward?: boolean;
}

export interface FaultProxy {
  endpoint: string;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** AWS's scripted answers to DescribeEffectivePolicy and the invalid-policy lists. */
  readonly effectivePolicies: EffectivePolicyModel;
  /** Bedrock's scripted answers to GetGuardrail and GetResourcePolicy (every request signed for `bedrock`). */
  readonly guardrails: GuardrailModel;
  /** Operations seen, in order, with whether a fault answered them. */
  readonly seen: { operation: string; faulted: boolean }[];
  /** Every request's SigV4 credential scope, in order: the region and service it was signed for. */
  readonly signed: SignedFor[];
  stop(): Promise<void>;
}

export interface SignedFor {
  operation: string;
  /** The access key the request was signed with (the caller's, or an assumed role's). */
  accessKeyId: string | undefined;
  region: string | undefined;
  service: string | undefined;
}

/** From `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...`. */
function credentialScopeOf(req: IncomingMessage): Omit<SignedFor, 'operation'> {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  return { accessKeyId: scope?.[1], region: scope?.[2], service: scope?.[3] };
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  return action?.[1] ?? `${req.method} ${req.url}`;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const rules: (FaultRule & { remaining: number; toSkip: number })[] = [];
  const matches = (rule: FaultRule, operation: string) =>
    typeof rule.operation === 'string' ? rule.operation === operation : rule.operation(operation);
  const seen: { operation: string; faulted: boolean }[] = [];
  const signed: SignedFor[] = [];
  const effectivePolicies = new EffectivePolicyModel(upstream);
  const guardrails = new GuardrailModel();
  const fromModel = async (req: IncomingMessage, operation: string, body: Buffer, res: ServerResponse) => {
    const request = JSON.parse(body.toString('utf8') || '{}');
    const answer = await effectivePolicies.answer(operation, request, credentialScopeOf(req).region);
    seen.push({ operation, faulted: false });
    res.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'effective-policy-model',
    });
    res.end(JSON.stringify(answer.payload));
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstreamRequest = request(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const operation = operationOf(req, body);
      signed.push({ operation, ...credentialScopeOf(req) });
      let rule = rules.find((r) => matches(r, operation) && r.remaining > 0);
      if (rule && rule.toSkip > 0) {
        rule.toSkip--;
        rule = undefined;
      }
      try {
        if (rule?.rewrite) {
          rule.remaining--;
          const response = await forward(req, body);
          const rewritten = Buffer.from(
            JSON.stringify(rule.rewrite(JSON.parse(response.body.toString('utf8')))),
          );
          seen.push({ operation, faulted: true });
          res.writeHead(response.status, { ...response.headers, 'content-length': String(rewritten.length) });
          res.end(rewritten);
          return;
        }
        if (rule) {
          rule.remaining--;
          if (rule.afterForward) await forward(req, body);
          seen.push({ operation, faulted: true });
          const payload = JSON.stringify({
            __type: rule.type,
            Message: rule.message ?? `injected ${rule.type}`,
            ...rule.extra,
          });
          res.writeHead(rule.status ?? 400, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-requestid': 'fault-proxy',
          });
          res.end(payload);
          return;
        }
        const scope = credentialScopeOf(req);
        if (scope.service === 'bedrock') {
          seen.push({ operation, faulted: false });
          writeAnswer(res, guardrails.answer(req.method ?? 'GET', req.url ?? '/', scope.region));
          return;
        }
        if ((EFFECTIVE_POLICY_OPERATIONS as readonly string[]).includes(operation)) {
          await fromModel(req, operation, body, res);
          return;
        }
        seen.push({ operation, faulted: false });
        const response = await forward(req, toMoto(body));
        const answer = fromMoto(response.body);
        const { 'transfer-encoding': _chunked, ...headers } = response.headers;
        res.writeHead(response.status, { ...headers, 'content-length': String(answer.length) });
        res.end(answer);
      } catch (error) {
        res.writeHead(502);
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    addFault: (rule) => rules.push({ ...rule, remaining: rule.times, toSkip: rule.skip ?? 0 }),
    clearFaults: () => {
      rules.length = 0;
    },
    effectivePolicies,
    guardrails,
    seen,
    signed,
    stop: () =>
      new Promise<void>((resolve) => {
        effectivePolicies.destroy();
        server.close(() => resolve());
      }),
  };
}
