/**
 * The periodic custom AWS Config rule: on each invocation, the desired state the pipeline last checked
 * (the state bucket's `ai-optout/latest/ai-optout.yaml`, lambdas/adapters/s3/latest-run.ts) is planned
 * against the organization read now by an organization session (audit: nothing is written), and every account is
 * reported to Config, COMPLIANT or NON_COMPLIANT, with the event's result token.
 *
 * A file with a `bedrock:` section is evaluated as the pipeline's audit evaluates it: the Bedrock
 * policies are read too, and its guardrails go through pre-flight with the rule's own credentials (the
 * rule runs in the management account, which owns the guardrails); an account that would enforce a
 * guardrail that failed is NON_COMPLIANT like one that breaks `expect`. A deployment without the Bedrock
 * grants (`AI_OPTOUT_BEDROCK_POLICIES` unset) fails the run on such a file before any call.
 *
 * The event [CONFIG-RULE-EVENT]:
 * `invokingEvent` is a JSON string ("a function must parse the string with a JSON parser") whose
 * `notificationCreationTime` is when Config triggered a periodic evaluation, used as each evaluation's
 * OrderingTimestamp; `resultToken` goes back with PutEvaluations.
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import * as z from 'zod';
import type { GuardrailReader } from '../adapters/bedrock/guardrails.ts';
import { putEvaluations } from '../adapters/config/evaluations.ts';
import { Throttle } from '../adapters/organizations/throttle.ts';
import type { LatestRun } from '../adapters/s3/latest-run.ts';
import { loadDesiredState } from '../domain/desired-state/loader.ts';
import { ConfigurationError } from '../domain/errors.ts';
import { accountEvaluations } from '../domain/evaluations.ts';
import { OrganizationSession } from '../organization-session.ts';
import { requireBedrockDeployment } from '../runtime/bedrock-policies.ts';
import type { Logger } from '../runtime/logger.ts';
import { LATEST_RUN_FILES } from '../runtime/state-bucket.ts';

const InvokingEventSchema = z.object({
  messageType: z.string(),
  notificationCreationTime: z.iso.datetime({ offset: true }),
});

const RuleEventSchema = z.object({
  resultToken: z.string().min(1),
  invokingEvent: z.string().transform((text, ctx) => {
    try {
      return InvokingEventSchema.parse(JSON.parse(text));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'invokingEvent is not the JSON of a Config notification' });
      return z.NEVER;
    }
  }),
});

export interface RuleDependencies {
  organizations: OrganizationsClient;
  config: ConfigServiceClient;
  latestRun: LatestRun;
  logger: Logger;
  pace: 'published' | 'none';
  /** `AI_OPTOUT_BEDROCK_POLICIES`: the role reads Bedrock policies; without it a `bedrock:` section fails the run before any call. */
  bedrockPolicies: boolean;
  /** PutEvaluations with TestMode (emulators). */
  testMode?: boolean;
  /** Reads the guardrails for the pre-flight (default: Bedrock, with the Organizations client's credentials). */
  guardrails?: Pick<GuardrailReader, 'observe'>;
}

function readEvent(event: unknown) {
  const parsed = RuleEventSchema.safeParse(event);
  if (!parsed.success)
    throw new ConfigurationError(
      `not an AWS Config rule invocation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Evaluates every account and reports it to Config; returns how many evaluations were sent. */
export async function evaluateRule(event: unknown, deps: RuleDependencies): Promise<number> {
  const { resultToken, invokingEvent } = readEvent(event);
  const file = LATEST_RUN_FILES.desiredState;
  const source = await deps.latestRun.read(file);
  if (!source)
    throw new ConfigurationError(
      `no desired state to evaluate: s3://${deps.latestRun.bucket}/${deps.latestRun.key(file)} is written by the pipeline's first finished run; run the pipeline once`,
    );
  const loaded = loadDesiredState(source, { file });
  if (!loaded.ok)
    throw new ConfigurationError(`${file} in the state bucket is not valid`, loaded.diagnostics);
  requireBedrockDeployment(loaded.state, deps.bedrockPolicies);
  const session = new OrganizationSession({
    client: deps.organizations,
    throttle: new Throttle({ rates: deps.pace }),
    ...(deps.guardrails ? { guardrails: deps.guardrails } : {}),
  });
  const read = await session.readFor(loaded.state);
  const preflight = await session.preflight(loaded.state, read);
  const confirmed = await session.confirm(read);
  const options = { mode: 'audit' as const, ...(preflight ? { preflight } : {}) };
  const { snapshot, plan } = session.plan(loaded.state, confirmed, options);
  const evaluations = accountEvaluations(plan, snapshot, new Date(invokingEvent.notificationCreationTime));
  const sent = await putEvaluations(deps.config, {
    resultToken,
    evaluations,
    ...(deps.testMode ? { testMode: true } : {}),
  });
  const nonCompliant = evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT').length;
  deps.logger.info({ evaluations: sent, nonCompliant, verdict: plan.verdict }, 'Config evaluations sent');
  return sent;
}
