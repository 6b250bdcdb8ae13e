/**
 * Pre-flight of a guardrail a plan would enforce: each check passes on what AWS documents as a
 * guardrail fit for enforcement (its resource-policy example for sharing with the organization), and
 * fails, with its reason, on each way a guardrail is not, including hostile answers.
 */
import { describe, expect, it } from 'vitest';
import type {
  BedrockState,
  EffectiveValue,
} from '../../../../../lambdas/domain/policy-types/bedrock/engine.ts';
import {
  applyGuardrailProblem,
  type GuardrailObservation,
  guardrailsToCheck,
  type PreflightContext,
  type PreflightResult,
  preflight,
  preflightBreaches,
} from '../../../../../lambdas/domain/policy-types/bedrock/preflight.ts';

const ORG = 'o-aa111bb222';
const MANAGEMENT = '111122223333';
const CONTEXT: PreflightContext = { organizationId: ORG, rootId: 'r-ab12', managementAccountId: MANAGEMENT };
const GUARDRAIL = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:guardrail/east1guard`;
const ITEM = { region: 'us-east-1', guardrail: GUARDRAIL, version: 3, policies: ['bedrock-prod'] };

/** AWS's example "Share guardrail with your organization", for this guardrail and organization. */
function sharedWithOrganization(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['bedrock:GetGuardrail', 'bedrock:ApplyGuardrail'],
        Resource: GUARDRAIL,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
        ...overrides,
      },
    ],
  });
}

const FIT: GuardrailObservation = {
  guardrail: {
    kind: 'found',
    guardrailArn: GUARDRAIL,
    version: '3',
    status: 'READY',
    automatedReasoningPolicies: [],
  },
  resourcePolicy: { kind: 'found', document: sharedWithOrganization() },
};

const failed = (observation: GuardrailObservation, item = ITEM) =>
  preflight(item, observation, CONTEXT)
    .checks.filter((c) => !c.ok)
    .map((c) => `${c.check}: ${c.detail}`);

const NOT_SHARED = `its resource policy does not let every account of the organization ${ORG} call bedrock:ApplyGuardrail on it (an Allow for Principal "*" with aws:PrincipalOrgID ${ORG}); add the statement AWS shows for sharing a guardrail with the organization`;
const NOT_CHECKED = 'not checked: the guardrail was not found';

describe('pre-flight of a guardrail', () => {
  it("passes every check, in order, for a READY numbered version shared with the organization, each saying what it found (the plan's JSON shows it)", () => {
    const result = preflight(ITEM, FIT, CONTEXT);

    expect(result.passed).toBe(true);
    expect(result.checks).toEqual([
      { check: 'region', ok: true, detail: 'in us-east-1' },
      { check: 'owner', ok: true, detail: `owned by the management account ${MANAGEMENT}` },
      { check: 'exists', ok: true, detail: 'found in us-east-1' },
      { check: 'numbered-version', ok: true, detail: 'version 3' },
      { check: 'ready', ok: true, detail: 'READY' },
      { check: 'no-automated-reasoning', ok: true, detail: 'no automated-reasoning policy' },
      {
        check: 'resource-policy',
        ok: true,
        detail: `lets the organization ${ORG} call bedrock:ApplyGuardrail`,
      },
    ]);
  });

  it('a missing guardrail or version fails exists, and the checks that need it say they were not run', () => {
    const result = preflight(
      ITEM,
      { guardrail: { kind: 'not-found', message: 'Guardrail not found' } },
      CONTEXT,
    );

    expect(result.passed).toBe(false);
    expect(failed({ guardrail: { kind: 'not-found', message: 'Guardrail not found' } })).toEqual([
      `exists: Bedrock has no version 3 of \`${GUARDRAIL}\` in us-east-1 (Guardrail not found)`,
      `numbered-version: ${NOT_CHECKED}`,
      `ready: ${NOT_CHECKED}`,
      `no-automated-reasoning: ${NOT_CHECKED}`,
      `resource-policy: ${NOT_CHECKED}`,
    ]);
  });

  const REASONING_1 = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:automated-reasoning-policy/abc`;
  const REASONING_2 = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:automated-reasoning-policy/def`;

  it.each([
    [
      'no resource policy: the accounts cannot call ApplyGuardrail',
      ITEM,
      { ...FIT, resourcePolicy: { kind: 'none', message: 'The resource policy was not found.' } },
      [
        "resource-policy: the guardrail has no resource policy (The resource policy was not found.); the organization's accounts cannot call bedrock:ApplyGuardrail on it, so every Bedrock call below the policy would be denied",
      ],
    ],
    [
      'two automated-reasoning policies, both named',
      ITEM,
      { ...FIT, guardrail: { ...FIT.guardrail, automatedReasoningPolicies: [REASONING_1, REASONING_2] } },
      [
        `no-automated-reasoning: it holds an automated-reasoning policy (\`${REASONING_1}\`, \`${REASONING_2}\`), which AWS does not support for enforcement and which fails calls at runtime`,
      ],
    ],
    [
      'a guardrail that is not an ARN: no Region, no owner, and no statement names it',
      { ...ITEM, guardrail: 'east1guard' },
      FIT,
      [
        'region: `east1guard` is not a guardrail ARN, declared under us-east-1; AWS enforces a guardrail only in its own Region',
        `owner: owned by no account, not the management account ${MANAGEMENT}; AWS enforces only the management account's guardrails`,
        `exists: Bedrock answered for \`${GUARDRAIL}\`, not \`east1guard\``,
        `resource-policy: ${NOT_SHARED}`,
      ],
    ],
  ])('fails with every reason: %s', (_name, item, observation, reasons) => {
    expect(failed(observation as GuardrailObservation, item)).toEqual(reasons);
  });

  it('an answer with the DRAFT version, another version, or a status other than READY fails', () => {
    const draft = { ...FIT, guardrail: { ...FIT.guardrail, version: 'DRAFT' } } as GuardrailObservation;
    const other = { ...FIT, guardrail: { ...FIT.guardrail, version: '2' } } as GuardrailObservation;
    const versioning = {
      ...FIT,
      guardrail: { ...FIT.guardrail, status: 'VERSIONING' },
    } as GuardrailObservation;

    expect(failed(draft)).toEqual([
      'numbered-version: Bedrock answered with the DRAFT version, which AWS does not enforce; publish version 3',
    ]);
    expect(failed(other)).toEqual(['numbered-version: Bedrock answered with version `2`, not 3']);
    expect(failed(versioning)).toEqual([
      'ready: its status is `VERSIONING`, not READY; enforce it once Bedrock reports it READY',
    ]);
  });

  it('an automated-reasoning policy fails, naming it', () => {
    const reasoning = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:automated-reasoning-policy/abc`;
    const observation = {
      ...FIT,
      guardrail: { ...FIT.guardrail, automatedReasoningPolicies: [reasoning] },
    } as GuardrailObservation;

    expect(failed(observation)).toEqual([
      `no-automated-reasoning: it holds an automated-reasoning policy (\`${reasoning}\`), which AWS does not support for enforcement and which fails calls at runtime`,
    ]);
  });

  it('a guardrail of another account, or of another Region than its key, fails; so does Bedrock answering for another guardrail', () => {
    const foreign = GUARDRAIL.replace(MANAGEMENT, '444455556666');
    const west = GUARDRAIL.replace('us-east-1', 'eu-west-1');

    expect(failed(FIT, { ...ITEM, guardrail: foreign })).toEqual([
      `owner: owned by 444455556666, not the management account ${MANAGEMENT}; AWS enforces only the management account's guardrails`,
      `exists: Bedrock answered for \`${GUARDRAIL}\`, not \`${foreign}\``,
      `resource-policy: its resource policy does not let every account of the organization ${ORG} call bedrock:ApplyGuardrail on it (an Allow for Principal "*" with aws:PrincipalOrgID ${ORG}); add the statement AWS shows for sharing a guardrail with the organization`,
    ]);
    expect(failed(FIT, { ...ITEM, guardrail: west })[0]).toBe(
      `region: \`${west}\` is a guardrail of eu-west-1, declared under us-east-1; AWS enforces a guardrail only in its own Region`,
    );
  });

  it('control characters in what Bedrock answers are shown escaped, never raw', () => {
    const hostile = {
      guardrail: {
        kind: 'found',
        guardrailArn: GUARDRAIL,
        version: '3\u001b[2J',
        status: 'READY\r\nOK',
        automatedReasoningPolicies: [],
      },
      resourcePolicy: { kind: 'none', message: 'no policy\u0007' },
    } as GuardrailObservation;

    const reasons = failed(hostile).join('\n');
    expect(reasons).toContain('\\u001b[2J');
    expect(reasons).toContain('READY\\r\\nOK');
    expect(reasons).toContain('no policy\\u0007');
    expect([...reasons].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
  });
});

describe("the guardrail's resource policy lets the organization call ApplyGuardrail", () => {
  const problem = (document: string) => applyGuardrailProblem(document, GUARDRAIL, CONTEXT);

  it.each([
    ['AWS example (StringEquals aws:PrincipalOrgID)', sharedWithOrganization()],
    [
      'a single statement object, Principal {AWS: "*"}',
      JSON.stringify({ Statement: JSON.parse(sharedWithOrganization()).Statement[0] }).replace(
        '"Principal":"*"',
        '"Principal":{"AWS":"*"}',
      ),
    ],
    [
      'bedrock:* on guardrail/*',
      sharedWithOrganization({
        Action: 'bedrock:*',
        Resource: `arn:aws:bedrock:us-east-1:${MANAGEMENT}:guardrail/*`,
      }),
    ],
    [
      'aws:PrincipalOrgPaths of the whole organization',
      sharedWithOrganization({
        Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/*`] } },
      }),
    ],
    [
      'aws:PrincipalOrgPaths of the organization itself (o-…/*)',
      sharedWithOrganization({
        Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*` } },
      }),
    ],
    [
      'aws:PrincipalOrgPaths listing an OU and the whole organization',
      sharedWithOrganization({
        Condition: {
          'ForAnyValue:StringLike': {
            'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-ab12-prod/*`, `${ORG}/r-ab12/*`],
          },
        },
      }),
    ],
    [
      'aws:PrincipalOrgID among other organizations',
      sharedWithOrganization({
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ['o-zz999yy888', ORG] } },
      }),
    ],
    [
      'StringEqualsIgnoreCase with the id in capitals, beside another organization',
      sharedWithOrganization({
        Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalOrgID': ['o-zz999yy888', ORG.toUpperCase()] } },
      }),
    ],
    [
      'StringLike with a wildcard matching the id',
      sharedWithOrganization({ Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-aa111*' } } }),
    ],
    [
      'the action in other case (IAM action names are case-insensitive)',
      sharedWithOrganization({ Action: 'Bedrock:applyguardrail' }),
    ],
    ['a ? wildcard in the resource', sharedWithOrganization({ Resource: `${GUARDRAIL.slice(0, -1)}?` })],
    [
      'a resource list naming another guardrail and this one',
      sharedWithOrganization({
        Resource: [`arn:aws:bedrock:us-east-1:${MANAGEMENT}:guardrail/other`, GUARDRAIL],
      }),
    ],
    [
      'StringLike with patterns of another organization and of this one',
      sharedWithOrganization({ Condition: { StringLike: { 'aws:PrincipalOrgID': ['o-zz*', 'o-aa111*'] } } }),
    ],
    [
      'two condition keys, each admitting the whole organization (IAM ANDs them [IAM-CONDITION-LOGIC])',
      sharedWithOrganization({
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': ORG },
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/*` },
        },
      }),
    ],
  ])('admits: %s', (_name, document) => {
    expect(problem(document)).toBeUndefined();
  });

  it.each([
    [
      'another organization',
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-zz999yy888' } } }),
      NOT_SHARED,
    ],
    ['only GetGuardrail', sharedWithOrganization({ Action: 'bedrock:GetGuardrail' }), NOT_SHARED],
    ['another guardrail', sharedWithOrganization({ Resource: `${GUARDRAIL}x` }), NOT_SHARED],
    [
      'one OU only',
      sharedWithOrganization({
        Condition: {
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-ab12-prod/*`] },
        },
      }),
      NOT_SHARED,
    ],
    [
      'one account only',
      sharedWithOrganization({ Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Condition: undefined }),
      NOT_SHARED,
    ],
    ['Principal "*" without a condition', sharedWithOrganization({ Condition: undefined }), NOT_SHARED],
    [
      'an extra condition key',
      sharedWithOrganization({
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'aws:SourceIp': '10.0.0.0/8' } },
      }),
      NOT_SHARED,
    ],
    [
      'NotAction',
      sharedWithOrganization({ Action: undefined, NotAction: 'bedrock:GetGuardrail' }),
      "its resource policy has a statement with NotAction, which pre-flight does not evaluate (AWS's supported patterns for a guardrail use none)",
    ],
    [
      'a Deny by NotAction beside the grant',
      JSON.stringify({
        Statement: [
          ...JSON.parse(sharedWithOrganization()).Statement,
          {
            Effect: 'Deny',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
            NotAction: 'bedrock:GetGuardrail',
            Resource: GUARDRAIL,
          },
        ],
      }),
      "its resource policy has a statement with NotAction, NotPrincipal, which pre-flight does not evaluate (AWS's supported patterns for a guardrail use none)",
    ],
    ['no statement', '{"Version":"2012-10-17"}', NOT_SHARED],
    [
      'a Deny beside the grant',
      JSON.stringify({
        Statement: [
          ...JSON.parse(sharedWithOrganization()).Statement,
          { Effect: 'Deny', Principal: '*', Action: 'bedrock:ApplyGuardrail', Resource: GUARDRAIL },
        ],
      }),
      'its resource policy denies bedrock:ApplyGuardrail on it',
    ],
    ['not JSON', '{"Statement": [', 'its resource policy is not JSON'],
    [
      'a statement that is not an object',
      '{"Statement": ["Allow"]}',
      'its resource policy has a statement that is not an object',
    ],
    ['JSON null', 'null', NOT_SHARED],
    ['a statement with no Effect', sharedWithOrganization({ Effect: undefined }), NOT_SHARED],
    ['Principal null', sharedWithOrganization({ Principal: null }), NOT_SHARED],
    [
      'StringEquals with the id in capitals (case-sensitive)',
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG.toUpperCase() } } }),
      NOT_SHARED,
    ],
    [
      'StringLike with a wildcard matching another organization',
      sharedWithOrganization({ Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-zz*' } } }),
      NOT_SHARED,
    ],
    [
      'aws:PrincipalOrgPaths of the whole organization by StringEquals (a path with * is a pattern only to StringLike)',
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:PrincipalOrgPaths': `${ORG}/r-ab12/*` } } }),
      NOT_SHARED,
    ],
    [
      'a resource where a . stands for a character (not a wildcard in IAM)',
      sharedWithOrganization({ Resource: `${GUARDRAIL.slice(0, -1)}.` }),
      NOT_SHARED,
    ],
    [
      'the resource in other case (ARNs are case-sensitive)',
      sharedWithOrganization({ Resource: GUARDRAIL.toUpperCase() }),
      NOT_SHARED,
    ],
    [
      'an action list with a non-string in it',
      sharedWithOrganization({ Action: ['bedrock:ApplyGuardrail', 5] }),
      NOT_SHARED,
    ],
    [
      'a condition operator whose keys are not an object',
      sharedWithOrganization({ Condition: { StringEquals: 'x' } }),
      NOT_SHARED,
    ],
    [
      'two condition keys, one of another organization (IAM ANDs them [IAM-CONDITION-LOGIC]: no principal of this one passes both)',
      sharedWithOrganization({
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-zz999yy888' },
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': `${ORG}/*` },
        },
      }),
      NOT_SHARED,
    ],
    [
      'StringNotEquals aws:PrincipalOrgID of the organization (it shuts the organization out)',
      sharedWithOrganization({ Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } }),
      NOT_SHARED,
    ],
    [
      'StringEqualsIgnoreCase with another organization',
      sharedWithOrganization({
        Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalOrgID': 'o-zz999yy888' } },
      }),
      NOT_SHARED,
    ],
    [
      "aws:SourceOrgID of the organization (a calling service's organization, not the principal's)",
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:SourceOrgID': ORG } } }),
      NOT_SHARED,
    ],
    ['a condition with no key', sharedWithOrganization({ Condition: { StringEquals: {} } }), NOT_SHARED],
    ['Condition null', sharedWithOrganization({ Condition: null }), NOT_SHARED],
    [
      'a condition operator whose keys are null',
      sharedWithOrganization({ Condition: { StringEquals: null } }),
      NOT_SHARED,
    ],
    [
      "a condition operator whose keys are a number, beside the organization's key",
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG }, StringLike: 5 } }),
      NOT_SHARED,
    ],
    [
      'aws:PrincipalOrgID given as a number',
      sharedWithOrganization({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 5 } } }),
      NOT_SHARED,
    ],
    [
      'a null statement',
      '{"Statement": [null]}',
      'its resource policy has a statement that is not an object',
    ],
    ['a statement without Resource', sharedWithOrganization({ Resource: undefined }), NOT_SHARED],
    [
      'a resource ending in the regular expression .* (IAM reads the . as itself)',
      sharedWithOrganization({ Resource: `${GUARDRAIL}.*` }),
      NOT_SHARED,
    ],
  ])('refuses: %s', (_name, document, reason) => {
    expect(problem(document)).toBe(reason);
  });
});

describe('the guardrails a plan would enforce', () => {
  it('are the distinct guardrail versions of the declared policies, each with the policies that enforce it, in Region, ARN and version order', () => {
    const west = `arn:aws:bedrock:eu-west-1:${MANAGEMENT}:guardrail/west1guard`;
    const other = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:guardrail/aaguard`;
    const found = guardrailsToCheck([
      {
        name: 'b',
        regions: {
          'us-east-1': { guardrail: GUARDRAIL, version: 3 },
          'eu-west-1': { guardrail: west, version: 1 },
        },
      },
      { name: 'a', regions: { 'us-east-1': { guardrail: GUARDRAIL, version: 3 } } },
      { name: 'd', regions: { 'us-east-1': { guardrail: GUARDRAIL, version: 10 } } },
      { name: 'c', regions: { 'us-east-1': { guardrail: GUARDRAIL, version: 4 } } },
      { name: 'e', regions: { 'us-east-1': { guardrail: other, version: 5 } } },
    ]);

    // Version 10 after 4, as numbers, not as text.
    expect(found).toEqual([
      { region: 'eu-west-1', guardrail: west, version: 1, policies: ['b'] },
      { region: 'us-east-1', guardrail: other, version: 5, policies: ['e'] },
      { region: 'us-east-1', guardrail: GUARDRAIL, version: 3, policies: ['b', 'a'] },
      { region: 'us-east-1', guardrail: GUARDRAIL, version: 4, policies: ['c'] },
      { region: 'us-east-1', guardrail: GUARDRAIL, version: 10, policies: ['d'] },
    ]);
  });
});

describe('the Regions of an effective state that would enforce a guardrail that failed pre-flight', () => {
  const WEST = `arn:aws:bedrock:eu-west-1:${MANAGEMENT}:guardrail/west1guard`;
  const value = (
    region: string,
    setting: string,
    text: string,
    undecided?: string[],
  ): [string, EffectiveValue] => {
    const segments = ['bedrock', 'guardrail_inference', region, 'config_1', setting];
    return [
      segments.join('.'),
      {
        segments,
        value: text,
        source: undefined,
        ...(undecided
          ? { undecided: undecided.map((v) => ({ value: v, policyId: 'p', policyName: 'p' })) }
          : {}),
      },
    ];
  };
  const state = (...values: [string, EffectiveValue][]): BedrockState => ({
    locks: new Map(),
    values: new Map(values),
    nodes: new Set(values.map(([name]) => name)),
  });
  const result = (region: string, guardrail: string, version: number, passed: boolean): PreflightResult => ({
    region,
    guardrail,
    version,
    policies: ['p'],
    passed,
    checks: passed
      ? [{ check: 'exists', ok: true, detail: 'found' }]
      : [
          { check: 'region', ok: true, detail: 'fine' },
          { check: 'exists', ok: false, detail: 'Bedrock has no version' },
          { check: 'ready', ok: false, detail: 'not READY' },
        ],
  });
  const breachesOf = (s: BedrockState, results: PreflightResult[]) =>
    preflightBreaches(s, results).map((b) => [b.service, b.actual, b.cause, b.causeDetail]);
  const FAILED_EAST = result('us-east-1', GUARDRAIL, 3, false);

  it.each([
    [
      'the failed guardrail in its Region',
      state(value('us-east-1', 'identifier', `${GUARDRAIL}:3`)),
      [FAILED_EAST],
      1,
    ],
    ['another version of it', state(value('us-east-1', 'identifier', `${GUARDRAIL}:2`)), [FAILED_EAST], 0],
    [
      'the same identifier in another Region',
      state(value('eu-west-1', 'identifier', `${GUARDRAIL}:3`)),
      [FAILED_EAST],
      0,
    ],
    [
      'a guardrail that passed',
      state(value('us-east-1', 'identifier', `${GUARDRAIL}:3`)),
      [result('us-east-1', GUARDRAIL, 3, true)],
      0,
    ],
    [
      'a setting that is not the identifier',
      state(value('us-east-1', 'system', `${GUARDRAIL}:3`)),
      [FAILED_EAST],
      0,
    ],
    [
      'an identifier left to attachment order, one candidate the failed guardrail',
      state(value('us-east-1', 'identifier', `${WEST}:1`, [`${WEST}:1`, `${GUARDRAIL}:3`])),
      [FAILED_EAST],
      1,
    ],
    [
      'two Regions, each enforcing a guardrail that failed',
      state(
        value('us-east-1', 'identifier', `${GUARDRAIL}:3`),
        value('eu-west-1', 'identifier', `${WEST}:1`),
      ),
      [FAILED_EAST, result('eu-west-1', WEST, 1, false)],
      2,
    ],
  ])('%s', (_name, s, results, count) => {
    expect(breachesOf(s, results)).toHaveLength(count);
  });

  it('a breach names the identifier, the first failed check as its cause, and every failed check', () => {
    expect(breachesOf(state(value('us-east-1', 'identifier', `${GUARDRAIL}:3`)), [FAILED_EAST])).toEqual([
      ['us-east-1', `${GUARDRAIL}:3`, 'preflight:exists', 'exists: Bedrock has no version; ready: not READY'],
    ]);
  });
});
