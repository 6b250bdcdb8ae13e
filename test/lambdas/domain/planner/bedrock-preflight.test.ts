/**
 * The plan shows the pre-flight of every guardrail its Bedrock policies would enforce: not run from a
 * snapshot (it says so and lists what apply would check); as the caller ran it otherwise, a guardrail
 * that failed being a violation, with its reasons, of each account that would enforce it once applied.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import { preflightRefusal } from '../../../../lambdas/domain/planner/preflight.ts';
import type { Preflight } from '../../../../lambdas/domain/planner/schema.ts';
import { plan } from '../../../../lambdas/domain/planner.ts';
import { BEDROCK_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/bedrock/facts.ts';
import {
  type PreflightResult,
  preflight,
} from '../../../../lambdas/domain/policy-types/bedrock/preflight.ts';
import { renderMarkdown } from '../../../../lambdas/domain/report/markdown.ts';
import { renderText } from '../../../../lambdas/domain/report/text.ts';
import { EXAMPLE_WITH_BEDROCK, GUARDRAIL_EAST, GUARDRAIL_WEST } from '../../../support/bedrock-section.ts';
import { EXAMPLE_YAML } from '../../../support/example-desired-state.ts';
import { OrgBuilder } from '../../../support/org-builder.ts';

function desired(text = EXAMPLE_WITH_BEDROCK): DesiredState {
  const loaded = loadDesiredState(text, { file: 'ai-optout.yaml' });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.state;
}

/** The management account owns the section's guardrails (111122223333). */
const snapshot = () =>
  new OrgBuilder()
    .account('management', 'Sandbox', '111122223333')
    .account('prod-a', 'Workloads/Prod', '111111111111')
    .account('prod-b', 'Workloads/Prod', '222222222222')
    .account('dev', 'Workloads/Dev', '333333333333')
    .withOtherType(BEDROCK_POLICY_TYPE, 'ENABLED')
    .build();

const CONTEXT = { organizationId: 'o-testorg001', rootId: 'r-root', managementAccountId: '111122223333' };
const shared = (guardrail: string) =>
  JSON.stringify({
    Statement: {
      Effect: 'Allow',
      Principal: '*',
      Action: 'bedrock:ApplyGuardrail',
      Resource: guardrail,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': CONTEXT.organizationId } },
    },
  });
const found = (guardrail: string, version: string) =>
  ({
    kind: 'found',
    guardrailArn: guardrail,
    version,
    status: 'READY',
    automatedReasoningPolicies: [],
  }) as const;

function results(eastVersion: 'missing' | '3'): PreflightResult[] {
  const policies = ['bedrock-guardrails-production'];
  return [
    preflight(
      { region: 'eu-west-1', guardrail: GUARDRAIL_WEST, version: 1, policies },
      {
        guardrail: found(GUARDRAIL_WEST, '1'),
        resourcePolicy: { kind: 'found', document: shared(GUARDRAIL_WEST) },
      },
      CONTEXT,
    ),
    preflight(
      { region: 'us-east-1', guardrail: GUARDRAIL_EAST, version: 3, policies },
      eastVersion === 'missing'
        ? { guardrail: { kind: 'not-found', message: 'Version 3 was not found.' } }
        : {
            guardrail: found(GUARDRAIL_EAST, '3'),
            resourcePolicy: { kind: 'found', document: shared(GUARDRAIL_EAST) },
          },
      CONTEXT,
    ),
  ];
}

const preflightRows = (violations: ReturnType<typeof plan>['violations']) =>
  violations.filter((v) => v.cause.startsWith('preflight:'));

describe('plan: the guardrail pre-flight', () => {
  it('from a snapshot: not run, and it lists the guardrails apply would check', () => {
    const result = plan(desired(), snapshot());

    expect(result.preflight).toEqual({
      source: 'none',
      summary:
        'not run: 2 guardrails to check; a plan from a snapshot reads nothing of Bedrock, and apply checks each guardrail before it writes',
      guardrails: [
        {
          region: 'eu-west-1',
          guardrail: GUARDRAIL_WEST,
          version: 1,
          policies: ['bedrock-guardrails-production'],
          checks: [],
        },
        {
          region: 'us-east-1',
          guardrail: GUARDRAIL_EAST,
          version: 3,
          policies: ['bedrock-guardrails-production'],
          checks: [],
        },
      ],
    });
    expect(preflightRows(result.violations)).toEqual([]);
    expect(renderText(result)).toContain(
      `Guardrail pre-flight (GetGuardrail, GetResourcePolicy): not run: 2 guardrails to check; a plan from a snapshot reads nothing of Bedrock, and apply checks each guardrail before it writes\n  ? eu-west-1 ${GUARDRAIL_WEST}:1 (bedrock-guardrails-production)\n  ? us-east-1 ${GUARDRAIL_EAST}:3 (bedrock-guardrails-production)\n`,
    );
  });

  it('all passed: the checks are shown, and no violation is added', () => {
    const result = plan(desired(), snapshot(), { preflight: results('3') });

    expect(result.preflight?.source).toBe('bedrock');
    expect(result.preflight?.summary).toBe('2 guardrails checked, all passed');
    expect(result.preflight?.guardrails.map((g) => [g.region, g.passed, g.checks.length])).toEqual([
      ['eu-west-1', true, 7],
      ['us-east-1', true, 7],
    ]);
    expect(preflightRows(result.violations)).toEqual([]);
  });

  it('a missing version: a violation of each account that would enforce it, with the reasons, and the plan drifts', () => {
    const result = plan(desired(), snapshot(), { preflight: results('missing') });

    expect(result.preflight?.summary).toBe(
      '2 guardrails checked, 1 failed: no Bedrock policy enforcing a failed guardrail may be written',
    );
    const rows = preflightRows(result.violations);
    expect(rows.map((v) => [v.accountName, v.service, v.expected, v.actual, v.cause, v.policyType])).toEqual([
      [
        'prod-a',
        'us-east-1',
        'a guardrail that passes pre-flight',
        `${GUARDRAIL_EAST}:3`,
        'preflight:exists',
        BEDROCK_POLICY_TYPE,
      ],
      [
        'prod-b',
        'us-east-1',
        'a guardrail that passes pre-flight',
        `${GUARDRAIL_EAST}:3`,
        'preflight:exists',
        BEDROCK_POLICY_TYPE,
      ],
    ]);
    expect(rows[0]?.causeDetail).toMatch(
      /^exists: Bedrock has no version 3 of `arn:aws:bedrock:us-east-1:111122223333:guardrail\/east1guard` in us-east-1 \(Version 3 was not found\.\); numbered-version: not checked/,
    );
    expect(result.verdict).toBe('drift');
    const text = renderText(result);
    expect(text).toContain(`  ✓ eu-west-1 ${GUARDRAIL_WEST}:1 (bedrock-guardrails-production)`);
    expect(text).toContain(
      `  ! us-east-1 ${GUARDRAIL_EAST}:3 (bedrock-guardrails-production)\n      exists: Bedrock has no version 3 of`,
    );
    expect(renderMarkdown(result)).toContain(
      `- ❌ us-east-1 ${GUARDRAIL_EAST}:3 (bedrock-guardrails-production)<br>exists: `,
    );
  });

  it('a file without a bedrock section has no pre-flight', () => {
    expect(plan(desired(EXAMPLE_YAML), snapshot()).preflight).toBeUndefined();
  });
});

/**
 * Apply writes nothing for a plan whose Bedrock policies would enforce a guardrail that failed
 * pre-flight (a policy naming it would fail every Bedrock call below it, and writing the rest would
 * leave the plan half applied); the CLI and the pipeline job print the sentence as it is.
 */
describe('preflightRefusal: why apply writes nothing', () => {
  const check = (name: string, ok: boolean, detail: string) => ({ check: name, ok, detail });
  const guardrail = (
    region: string,
    arn: string,
    version: number,
    passed: boolean | undefined,
    checks: ReturnType<typeof check>[],
  ) => ({ region, guardrail: arn, version, policies: ['bedrock-guardrails-production'], passed, checks });
  const checked = (...guardrails: ReturnType<typeof guardrail>[]): Preflight => ({
    source: 'bedrock',
    summary: 'as the caller ran it',
    guardrails,
  });
  const WEST_PASSED = guardrail('eu-west-1', GUARDRAIL_WEST, 1, true, [
    check('exists', true, 'found in eu-west-1'),
  ]);
  const EAST_PASSED = guardrail('us-east-1', GUARDRAIL_EAST, 3, true, [
    check('exists', true, 'found in us-east-1'),
  ]);
  // It exists but is not READY and has no resource policy: the sentence names the first check that failed.
  const EAST_FAILED = guardrail('us-east-1', GUARDRAIL_EAST, 3, false, [
    check('exists', true, 'found in us-east-1'),
    check('ready', false, "its status is 'CREATING', not READY"),
    check('resource-policy', false, 'the guardrail has no resource policy'),
  ]);
  const WEST_FAILED = guardrail('eu-west-1', GUARDRAIL_WEST, 1, false, [
    check('exists', false, 'Bedrock has no version 1'),
  ]);
  // A result written by hand or by an older version: passed false with no failed check listed.
  const WEST_FAILED_UNLISTED = guardrail('eu-west-1', GUARDRAIL_WEST, 1, false, []);

  it.each([
    ['a plan from a snapshot (checks not run)', plan(desired(), snapshot()).preflight, undefined],
    ['every guardrail passed', checked(WEST_PASSED, EAST_PASSED), undefined],
    [
      'one failed: it and its first failed check are named',
      checked(WEST_PASSED, EAST_FAILED),
      `nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 ${GUARDRAIL_EAST}:3 (ready: its status is 'CREATING', not READY)`,
    ],
    [
      'two failed: both named, in the plan order, plural',
      checked(WEST_FAILED, EAST_FAILED),
      `nothing was written: 2 guardrails the plan's Bedrock policies would enforce failed pre-flight: eu-west-1 ${GUARDRAIL_WEST}:1 (exists: Bedrock has no version 1); us-east-1 ${GUARDRAIL_EAST}:3 (ready: its status is 'CREATING', not READY)`,
    ],
    [
      'a failed guardrail with no failed check listed: failed',
      checked(WEST_FAILED_UNLISTED),
      `nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: eu-west-1 ${GUARDRAIL_WEST}:1 (failed)`,
    ],
  ])('%s', (_name, preflight, refusal) => {
    expect(preflightRefusal({ ...plan(desired(), snapshot()), preflight })).toBe(refusal);
  });

  it('a file without a bedrock section has no pre-flight, and nothing to refuse', () => {
    expect(preflightRefusal(plan(desired(EXAMPLE_YAML), snapshot()))).toBeUndefined();
  });

  it('a missing version, as plan reports it: the guardrail and the check it failed', () => {
    const result = plan(desired(), snapshot(), { preflight: results('missing') });

    expect(preflightRefusal(result)).toBe(
      `nothing was written: 1 guardrail the plan's Bedrock policies would enforce failed pre-flight: us-east-1 ${GUARDRAIL_EAST}:3 (exists: Bedrock has no version 3 of \`${GUARDRAIL_EAST}\` in us-east-1 (Version 3 was not found.))`,
    );
  });
});
