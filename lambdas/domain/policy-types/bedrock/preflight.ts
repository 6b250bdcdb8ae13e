/**
 * Pre-flight of the guardrails a plan would enforce: the checks no Organizations API makes, run on what
 * Bedrock says of each guardrail before a Bedrock policy naming it is written. AWS states the
 * prerequisites [ORG-BEDROCK-SYNTAX], [ORG-BEDROCK-INVALID-IDENTIFIER]; a policy that breaks one is
 * stored and then fails every Bedrock call of the accounts below it. The reads are the adapter's
 * (adapters/bedrock/guardrails.ts: GetGuardrail [BEDROCK-GET-GUARDRAIL], GetResourcePolicy
 * [BEDROCK-GET-RESOURCE-POLICY]); this module only judges them.
 */
import { compareText } from '../../collections.ts';
import { echo } from '../../echo.ts';
import type { Breach } from '../policy-type.ts';
import type { BedrockState } from './engine.ts';
import { regionOf } from './paths.ts';
import type { RegionGuardrail } from './render.ts';
import { DRAFT, GUARDRAIL_ARN_PATTERN, IDENTIFIER } from './syntax.ts';

/** One guardrail version a plan would enforce, and the declared policies that enforce it. */
export interface GuardrailToCheck {
  region: string;
  /** The guardrail's ARN, without a version. */
  guardrail: string;
  version: number;
  policies: readonly string[];
}

/** What GetGuardrail answered for the guardrail at its version. */
export type GuardrailRead =
  | {
      kind: 'found';
      guardrailArn: string;
      version: string;
      status: string;
      /** The automated-reasoning policies the guardrail holds (GuardrailAutomatedReasoningPolicy). */
      automatedReasoningPolicies: readonly string[];
    }
  /** ResourceNotFoundException: no such guardrail, or no such version of it. */
  | { kind: 'not-found'; message: string };

/** What GetResourcePolicy answered for the guardrail: its policy document, or none. */
export type ResourcePolicyRead = { kind: 'found'; document: string } | { kind: 'none'; message: string };

export interface GuardrailObservation {
  guardrail: GuardrailRead;
  /** Absent when the guardrail was not found (its resource policy is not read then). */
  resourcePolicy?: ResourcePolicyRead;
}

export interface PreflightContext {
  organizationId: string;
  /** The organization's root (`r-…`): `aws:PrincipalOrgPaths` of `o-…/r-…/*` admits all of it too. */
  rootId: string;
  managementAccountId: string;
}

/** The checks, in the order they are shown. */
export const PREFLIGHT_CHECKS = [
  'region',
  'owner',
  'exists',
  'numbered-version',
  'ready',
  'no-automated-reasoning',
  'resource-policy',
] as const;
export type PreflightCheckName = (typeof PREFLIGHT_CHECKS)[number];

export interface PreflightCheck {
  check: PreflightCheckName;
  ok: boolean;
  /** What was found, in words (the reason when the check failed). */
  detail: string;
}

export interface PreflightResult extends GuardrailToCheck {
  passed: boolean;
  checks: PreflightCheck[];
}

/** The detail of a check that needs the guardrail, when Bedrock did not find it. */
const NOT_CHECKED = 'not checked: the guardrail was not found';

/** A value from Bedrock quoted back: control characters escaped, long values cut. */
const quote = (value: string) => `\`${echo(value)}\``;

/** The distinct guardrail versions the declared policies enforce, in Region, ARN and version order. */
export function guardrailsToCheck(
  policies: readonly { name: string; regions: Readonly<Record<string, RegionGuardrail>> }[],
): GuardrailToCheck[] {
  const byKey = new Map<string, GuardrailToCheck & { policies: string[] }>();
  for (const policy of policies) {
    for (const [region, declared] of Object.entries(policy.regions)) {
      const key = `${region}\n${declared.guardrail}\n${declared.version}`;
      const entry = byKey.get(key) ?? {
        region,
        guardrail: declared.guardrail,
        version: declared.version,
        policies: [],
      };
      // A policy's Regions are distinct keys and policy names are unique, so a name comes here once.
      entry.policies.push(policy.name);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      compareText(a.region, b.region) || compareText(a.guardrail, b.guardrail) || a.version - b.version,
  );
}

/** Judges one guardrail version by what Bedrock said of it. */
export function preflight(
  item: GuardrailToCheck,
  observation: GuardrailObservation,
  context: PreflightContext,
): PreflightResult {
  const checks = [regionCheck(item), ownerCheck(item, context), ...guardrailChecks(item, observation)];
  checks.push(resourcePolicyCheck(item, observation, context));
  return { ...item, passed: checks.every((c) => c.ok), checks };
}

function regionCheck(item: GuardrailToCheck): PreflightCheck {
  const region = GUARDRAIL_ARN_PATTERN.exec(item.guardrail)?.[1];
  if (region === item.region) return { check: 'region', ok: true, detail: `in ${item.region}` };
  const where = region ? `a guardrail of ${region}` : 'not a guardrail ARN';
  return {
    check: 'region',
    ok: false,
    detail: `${quote(item.guardrail)} is ${where}, declared under ${item.region}; AWS enforces a guardrail only in its own Region`,
  };
}

function ownerCheck(item: GuardrailToCheck, context: PreflightContext): PreflightCheck {
  const account = GUARDRAIL_ARN_PATTERN.exec(item.guardrail)?.[2];
  if (account === context.managementAccountId) {
    return { check: 'owner', ok: true, detail: `owned by the management account ${account}` };
  }
  return {
    check: 'owner',
    ok: false,
    detail: `owned by ${account ?? 'no account'}, not the management account ${context.managementAccountId}; AWS enforces only the management account's guardrails`,
  };
}

/** exists, numbered-version, ready, no-automated-reasoning: from GetGuardrail's answer. */
function guardrailChecks(item: GuardrailToCheck, observation: GuardrailObservation): PreflightCheck[] {
  const read = observation.guardrail;
  if (read.kind === 'not-found') {
    const detail = `Bedrock has no version ${item.version} of ${quote(item.guardrail)} in ${item.region} (${echo(read.message)})`;
    return [
      { check: 'exists', ok: false, detail },
      ...(['numbered-version', 'ready', 'no-automated-reasoning'] as const).map((check) => ({
        check,
        ok: false,
        detail: NOT_CHECKED,
      })),
    ];
  }
  const sameGuardrail = read.guardrailArn === item.guardrail;
  const exists: PreflightCheck = sameGuardrail
    ? { check: 'exists', ok: true, detail: `found in ${item.region}` }
    : {
        check: 'exists',
        ok: false,
        detail: `Bedrock answered for ${quote(read.guardrailArn)}, not ${quote(item.guardrail)}`,
      };
  const numbered = read.version === String(item.version);
  const reasoning = read.automatedReasoningPolicies;
  return [
    exists,
    {
      check: 'numbered-version',
      ok: numbered,
      detail: numbered
        ? `version ${read.version}`
        : read.version === DRAFT
          ? `Bedrock answered with the DRAFT version, which AWS does not enforce; publish version ${item.version}`
          : `Bedrock answered with version ${quote(read.version)}, not ${item.version}`,
    },
    {
      check: 'ready',
      ok: read.status === 'READY',
      detail:
        read.status === 'READY'
          ? 'READY'
          : `its status is ${quote(read.status)}, not READY; enforce it once Bedrock reports it READY`,
    },
    {
      check: 'no-automated-reasoning',
      ok: reasoning.length === 0,
      detail:
        reasoning.length === 0
          ? 'no automated-reasoning policy'
          : `it holds an automated-reasoning policy (${reasoning.map(quote).join(', ')}), which AWS does not support for enforcement and which fails calls at runtime`,
    },
  ];
}

function resourcePolicyCheck(
  item: GuardrailToCheck,
  observation: GuardrailObservation,
  context: PreflightContext,
): PreflightCheck {
  const read = observation.resourcePolicy;
  if (!read) {
    return { check: 'resource-policy', ok: false, detail: NOT_CHECKED };
  }
  if (read.kind === 'none') {
    return {
      check: 'resource-policy',
      ok: false,
      detail: `the guardrail has no resource policy (${echo(read.message)}); the organization's accounts cannot call bedrock:ApplyGuardrail on it, so every Bedrock call below the policy would be denied`,
    };
  }
  const problem = applyGuardrailProblem(read.document, item.guardrail, context);
  return problem
    ? { check: 'resource-policy', ok: false, detail: problem }
    : {
        check: 'resource-policy',
        ok: true,
        detail: `lets the organization ${context.organizationId} call bedrock:ApplyGuardrail`,
      };
}

const APPLY_GUARDRAIL = 'bedrock:ApplyGuardrail';
/** Statement keys that grant or deny by exclusion: a statement with one is not read, and fails the check. */
const NEGATED = ['NotAction', 'NotResource', 'NotPrincipal'] as const;

/** IAM's wildcard match: `*` any run of characters, `?` one character, line breaks included. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

const strings = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? value
      : undefined;

type Statement = Record<string, unknown>;

function statementsOf(document: string): Statement[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return 'its resource policy is not JSON';
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (!list.every((s) => s !== null && typeof s === 'object' && !Array.isArray(s))) {
    return 'its resource policy has a statement that is not an object';
  }
  return list as Statement[];
}

/** Whether a statement is about ApplyGuardrail on this guardrail. */
function coversApply(statement: Statement, guardrail: string): boolean {
  const actions = strings(statement.Action);
  const resources = strings(statement.Resource);
  return (
    actions !== undefined &&
    resources !== undefined &&
    actions.some((a) => wildcardMatch(a, APPLY_GUARDRAIL, true)) &&
    resources.some((r) => wildcardMatch(r, guardrail))
  );
}

function everyone(principal: unknown): boolean {
  if (principal === '*') return true;
  const aws = (principal as { AWS?: unknown } | null)?.AWS;
  return strings(aws)?.includes('*') ?? false;
}

/**
 * Whether the statement's condition admits every principal of the organization. IAM ANDs a statement's
 * condition keys [IAM-CONDITION-LOGIC], so each must: `aws:PrincipalOrgID` equal to the organization, or
 * `aws:PrincipalOrgPaths` matching every path in it (the two conditions AWS supports on a guardrail's
 * resource policy [BEDROCK-GUARDRAIL-RESOURCE-POLICY]). Any other key, or a value that is not text,
 * narrows the grant in a way this check does not evaluate: false. No key at all is no condition: false.
 */
function admitsOrganization(condition: unknown, ids: OrganizationIds): boolean {
  if (condition === null || typeof condition !== 'object') return false;
  let keysRead = 0;
  for (const [operator, keys] of Object.entries(condition)) {
    if (keys === null || typeof keys !== 'object') return false;
    for (const [key, value] of Object.entries(keys)) {
      const values = strings(value);
      if (!values || !keyAdmits(operator.toLowerCase(), key.toLowerCase(), values, ids)) return false;
      keysRead += 1;
    }
  }
  return keysRead > 0;
}

/** Whether one condition key (operator and key in lower case) admits every principal of the organization. */
function keyAdmits(operator: string, key: string, values: readonly string[], ids: OrganizationIds): boolean {
  const { organizationId, rootId } = ids;
  if (key === 'aws:principalorgpaths') {
    const wholeOrganization = [`${organizationId}/*`, `${organizationId}/${rootId}/*`];
    return operator.endsWith('stringlike') && values.some((v) => wholeOrganization.includes(v));
  }
  if (key !== 'aws:principalorgid') return false;
  if (operator === 'stringequals') return values.includes(organizationId);
  if (operator === 'stringequalsignorecase') {
    return values.some((v) => v.toLowerCase() === organizationId.toLowerCase());
  }
  return operator === 'stringlike' && values.some((v) => wildcardMatch(v, organizationId));
}

type OrganizationIds = Pick<PreflightContext, 'organizationId' | 'rootId'>;

/** Why the resource policy does not let the organization call ApplyGuardrail; undefined when it does. */
export function applyGuardrailProblem(
  document: string,
  guardrail: string,
  context: OrganizationIds,
): string | undefined {
  const { organizationId } = context;
  const statements = statementsOf(document);
  if (typeof statements === 'string') return statements;
  const negated = statements.find((s) => NEGATED.some((key) => key in s));
  if (negated) {
    const keys = NEGATED.filter((key) => key in negated).join(', ');
    return `its resource policy has a statement with ${keys}, which pre-flight does not evaluate (AWS's supported patterns for a guardrail use none)`;
  }
  const relevant = statements.filter((s) => coversApply(s, guardrail));
  if (relevant.some((s) => s.Effect === 'Deny')) {
    return `its resource policy denies ${APPLY_GUARDRAIL} on it`;
  }
  const grants = relevant.filter(
    (s) => s.Effect === 'Allow' && everyone(s.Principal) && admitsOrganization(s.Condition, context),
  );
  if (grants.length > 0) return undefined;
  return `its resource policy does not let every account of the organization ${organizationId} call ${APPLY_GUARDRAIL} on it (an Allow for Principal "*" with aws:PrincipalOrgID ${organizationId}); add the statement AWS shows for sharing a guardrail with the organization`;
}

/** What a breach of the pre-flight expects, in the report's words. */
export const PREFLIGHT_EXPECTED = 'a guardrail that passes pre-flight';

/**
 * The Regions of one effective state (after apply) that would enforce a guardrail version that failed
 * pre-flight: one breach each, its cause the first failed check and its detail every failed check's
 * reason. An identifier left to attachment order counts when any candidate names the guardrail.
 */
export function preflightBreaches(state: BedrockState, results: readonly PreflightResult[]): Breach[] {
  const failed = results.filter((r) => !r.passed);
  const found: Breach[] = [];
  for (const value of state.values.values()) {
    if (value.segments[value.segments.length - 1] !== IDENTIFIER) continue;
    const region = regionOf(value.segments);
    const named = value.undecided ? value.undecided.map((c) => c.value) : [value.value];
    for (const result of failed) {
      const identifier = `${result.guardrail}:${result.version}`;
      if (result.region !== region || !named.includes(identifier)) continue;
      const failures = result.checks.filter((c) => !c.ok);
      found.push({
        service: region,
        expected: PREFLIGHT_EXPECTED,
        actual: identifier,
        cause: `preflight:${failures[0]?.check ?? 'failed'}`,
        causeDetail: failures.map((c) => `${c.check}: ${c.detail}`).join('; '),
      });
    }
  }
  return found;
}
