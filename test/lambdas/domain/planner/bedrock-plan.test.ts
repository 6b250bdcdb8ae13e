/**
 * The plan over both policy types, from a snapshot: the file's `bedrock:` section planned with the same
 * generic steps as its AI opt-out policies (create, attach, update, unmanaged, enable the type,
 * violations of its `expect` rules below their targets), each Bedrock row naming its type; AI opt-out's
 * part unchanged, and Bedrock policies never read for it. A snapshot that does not say it holds Bedrock
 * policies cannot tell "none" from "not read", so the plan refuses rather than propose to create them.
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../../lambdas/domain/desired-state/types.ts';
import { ConfigurationError } from '../../../../lambdas/domain/errors.ts';
import { plan } from '../../../../lambdas/domain/planner.ts';
import { BEDROCK_POLICY_TYPE } from '../../../../lambdas/domain/policy-types/bedrock/facts.ts';
import {
  BEDROCK_LINE,
  EXAMPLE_WITH_BEDROCK,
  GUARDRAIL_EAST,
  GUARDRAIL_WEST,
} from '../../../support/bedrock-section.ts';
import { exampleDesiredState } from '../../../support/example-desired-state.ts';
import { OrgBuilder } from '../../../support/org-builder.ts';

const FILE = 'ai-optout.yaml';

function desired(text = EXAMPLE_WITH_BEDROCK): DesiredState {
  const loaded = loadDesiredState(text, { file: FILE });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.state;
}

/** The organization of the example: two production accounts, one dev, one sandbox; Bedrock captured. */
function org(status = 'ENABLED') {
  return new OrgBuilder()
    .account('prod-a', 'Workloads/Prod', '111111111111')
    .account('prod-b', 'Workloads/Prod', '222222222222')
    .account('dev', 'Workloads/Dev', '333333333333')
    .account('sandbox', 'Sandbox', '444444444444')
    .withOtherType(BEDROCK_POLICY_TYPE, status);
}

/** The declared Bedrock policy's rendered document. */
const declaredContent = () => desired().bedrock?.policies[0]?.content as string;

const bedrockRows = <R extends { policyType?: string | undefined }>(rows: readonly R[]) =>
  rows.filter((row) => row.policyType === BEDROCK_POLICY_TYPE);

describe('plan: Bedrock policies from a snapshot that holds them', () => {
  it('creates and attaches the declared policy; the production accounts change and violate expect until then', () => {
    const snapshot = org().build();

    const result = plan(desired(), snapshot);

    expect(bedrockRows(result.changes).map((c) => [c.action, c.policy, c.target?.path, c.detail])).toEqual([
      [
        'create-policy',
        'bedrock-guardrails-production',
        undefined,
        expect.stringMatching(
          /^create bedrock-guardrails-production \(eu-west-1 west1guard:1; us-east-1 east1guard:3; lock declared\)/,
        ),
      ],
      ['attach-policy', 'bedrock-guardrails-production', 'Root/Workloads/Prod', expect.any(String)],
    ]);
    expect(bedrockRows(result.changes)[0]?.content).toBe(declaredContent());
    const changed = bedrockRows(result.effectiveChanges).filter(
      (c) => c.service === 'us-east-1.config_1.identifier',
    );
    expect(changed.map((c) => [c.accountName, c.from, c.to])).toEqual([
      ['prod-a', 'unset', `${GUARDRAIL_EAST}:3`],
      ['prod-b', 'unset', `${GUARDRAIL_EAST}:3`],
    ]);
    expect(
      bedrockRows(result.violations).map((v) => [v.accountName, v.service, v.expected, v.actual, v.cause]),
    ).toEqual([
      ['prod-a', 'us-east-1', `${GUARDRAIL_EAST}:3 or later`, 'unset', 'none'],
      ['prod-a', 'eu-west-1', `${GUARDRAIL_WEST}:1 or later`, 'unset', 'none'],
      ['prod-b', 'us-east-1', `${GUARDRAIL_EAST}:3 or later`, 'unset', 'none'],
      ['prod-b', 'eu-west-1', `${GUARDRAIL_WEST}:1 or later`, 'unset', 'none'],
    ]);
    expect(result.verdict).toBe('drift');
  });

  it('counts an account non-compliant once, whichever of the two types it breaks', () => {
    // No AI opt-out policy in the organization: every account breaks AI opt-out's expect (AWS's default is
    // optIn); the two production accounts break Bedrock's twice more (no guardrail in either Region).
    const result = plan(desired(), org().build());

    expect(result.accounts).toEqual({ total: 4, compliant: 0, nonCompliant: 4 });
    expect(result.nodes.filter((n) => n.accounts > 0).map((n) => [n.path, n.nonCompliant])).toEqual([
      ['Root/Workloads/Prod', 2],
      ['Root/Workloads/Dev', 1],
      ['Root/Sandbox', 1],
    ]);
    expect(result.summary).toMatch(/, 8 violations in 4 accounts; 4 of 4 accounts non-compliant$/);
  });

  it('is in sync for Bedrock when the managed policy is in place; AI rows carry no type', () => {
    const builder = org();
    builder.policy('bedrock-guardrails-production', declaredContent(), ['Workloads/Prod'], {
      managed: true,
      type: BEDROCK_POLICY_TYPE,
      description: 'Every model call in production is guarded',
    });

    const result = plan(desired(), builder.build());

    expect(bedrockRows(result.changes)).toEqual([]);
    expect(bedrockRows(result.effectiveChanges)).toEqual([]);
    expect(bedrockRows(result.violations)).toEqual([]);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.changes.every((c) => c.policyType === undefined)).toBe(true);
  });

  it('a tampered policy (version 2) is updated, and the accounts below violate expect with the policy as cause', () => {
    const builder = org();
    const id = builder.policyId(
      'bedrock-guardrails-production',
      declaredContent().replace('east1guard:3', 'east1guard:2'),
      ['Workloads/Prod'],
      {
        managed: true,
        type: BEDROCK_POLICY_TYPE,
        description: 'Every model call in production is guarded',
      },
    );
    const snapshot = builder.build();

    const result = plan(desired(), snapshot);

    expect(bedrockRows(result.changes).map((c) => [c.action, c.policyId])).toEqual([['update-policy', id]]);
    const prod = builder.idOf('Workloads/Prod');
    expect(
      bedrockRows(result.violations).map((v) => [v.accountName, v.service, v.actual, v.cause, v.causeDetail]),
    ).toEqual([
      [
        'prod-a',
        'us-east-1',
        `${GUARDRAIL_EAST}:2`,
        `${id}@${prod}`,
        'bedrock-guardrails-production on Root/Workloads/Prod',
      ],
      [
        'prod-b',
        'us-east-1',
        `${GUARDRAIL_EAST}:2`,
        `${id}@${prod}`,
        'bedrock-guardrails-production on Root/Workloads/Prod',
      ],
    ]);
    expect(bedrockRows(result.effectiveChanges).map((c) => [c.accountName, c.from, c.to])).toEqual([
      ['prod-a', `${GUARDRAIL_EAST}:2`, `${GUARDRAIL_EAST}:3`],
      ['prod-b', `${GUARDRAIL_EAST}:2`, `${GUARDRAIL_EAST}:3`],
    ]);
  });

  it('an unmanaged Bedrock policy is reported where it is attached, and its guardrail counts for dev', () => {
    const builder = org();
    const other = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/legacy:7';
    const content = JSON.stringify({
      bedrock: { guardrail_inference: { 'us-east-1': { config_1: { identifier: { '@@assign': other } } } } },
    });
    builder.policy('legacy-guardrail', content, ['Workloads/Dev'], { type: BEDROCK_POLICY_TYPE });

    const result = plan(desired(), builder.build());

    expect(bedrockRows(result.changes).map((c) => [c.action, c.policy, c.target?.path])).toEqual([
      ['create-policy', 'bedrock-guardrails-production', undefined],
      ['attach-policy', 'bedrock-guardrails-production', 'Root/Workloads/Prod'],
      ['unmanaged-policy', 'legacy-guardrail', 'Root/Workloads/Dev'],
    ]);
    expect(bedrockRows(result.violations).map((v) => v.accountName)).not.toContain('dev');
  });

  it('enables the type on the root when it is not enabled', () => {
    const result = plan(desired(), org('DISABLED').build());

    expect(bedrockRows(result.changes)[0]).toMatchObject({
      action: 'enable-policy-type',
      detail: `${BEDROCK_POLICY_TYPE} is not enabled on r-test; no Bedrock policy applies until it is enabled`,
    });
  });

  it('a file without the section plans exactly as if the snapshot held no Bedrock policy', () => {
    const withBedrock = org();
    withBedrock.policy('legacy-guardrail', '{"bedrock":{}}', ['root'], { type: BEDROCK_POLICY_TYPE });
    const without = new OrgBuilder()
      .account('prod-a', 'Workloads/Prod', '111111111111')
      .account('prod-b', 'Workloads/Prod', '222222222222')
      .account('dev', 'Workloads/Dev', '333333333333')
      .account('sandbox', 'Sandbox', '444444444444');

    expect(plan(exampleDesiredState(FILE), withBedrock.build())).toEqual(
      plan(exampleDesiredState(FILE), without.build()),
    );
  });
});

describe('plan: what it refuses', () => {
  it('a snapshot that does not say it holds Bedrock policies (an older one, or a live read)', () => {
    const snapshot = new OrgBuilder().account('prod-a', 'Workloads/Prod').account('s', 'Sandbox').build();

    expect(() => plan(desired(), snapshot)).toThrow(
      `${FILE}:${BEDROCK_LINE}:1: the \`bedrock:\` section declares Amazon Bedrock policies, which this version validates but cannot plan yet except live (\`plan\`) or from a snapshot that holds them (\`plan --snapshot\`, its \`capturedPolicyTypes\` listing ${BEDROCK_POLICY_TYPE}, as \`ai-optout snapshot --config\` with this file writes), so nothing was written; remove the section to plan the rest of the file (\`ai-optout validate\` checks it)`,
    );
  });

  it('a rule whose target is not in the organization names it', () => {
    const text = EXAMPLE_WITH_BEDROCK.replace(
      '- target: { ou: Workloads/Prod }',
      '- target: { ou: Workloads/Production }',
    );

    const thrown = (() => {
      try {
        plan(desired(text), org().build());
      } catch (error) {
        return error;
      }
    })() as ConfigurationError;

    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(thrown.diagnostics.map((d) => [d.code, d.location.line, d.message])).toEqual([
      [
        'unknown-target',
        text.split('\n').findIndex((l) => l.includes('Workloads/Production')) + 1,
        expect.stringContaining('Workloads/Production'),
      ],
    ]);
  });

  it('declared policies that would themselves break a rule are a configuration error, with the fix for Bedrock', () => {
    const text = EXAMPLE_WITH_BEDROCK.replace('minVersion: 3', 'minVersion: 4');

    const thrown = (() => {
      try {
        plan(desired(text), org().build());
      } catch (error) {
        return error;
      }
    })() as ConfigurationError;

    expect(thrown.message).toMatch(/the declared policies break the file's own expect block/);
    expect(thrown.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      [
        'declared-breaks-expect',
        `the declared policies would leave us-east-1 ${GUARDRAIL_EAST}:3 (set by bedrock-guardrails-production on Root/Workloads/Prod) for 2 accounts: prod-a (111111111111), prod-b (222222222222), which breaks bedrock.expect.guardrails`,
        'enforce the guardrail there in a policy of the bedrock section, or narrow the rule',
      ],
    ]);
  });
});
