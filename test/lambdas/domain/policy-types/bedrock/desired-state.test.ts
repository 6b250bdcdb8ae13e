/**
 * What the Bedrock checks of a desired state keep: a Region whose entry has any error is left out of the
 * policy's settings (and so of its rendered document), and a Region or a rule with an error out of the
 * expect rules, so that nothing built from a refused value is ever compared or written. The messages
 * themselves are pinned, at file:line:col, in desired-state/bedrock-section.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../../../lambdas/domain/desired-state/check-context.ts';
import { Locator } from '../../../../../lambdas/domain/desired-state/locator.ts';
import { parseYaml, yamlValue } from '../../../../../lambdas/domain/desired-state/yaml-document.ts';
import {
  checkExpect,
  checkPolicySettings,
} from '../../../../../lambdas/domain/policy-types/bedrock/desired-state.ts';
import { GUARDRAIL_EAST, GUARDRAIL_WEST } from './examples.ts';

/** A check context over `value` written as a file (JSON is YAML). */
function contextOf(value: unknown): CheckContext {
  const text = JSON.stringify(value);
  const parsed = parseYaml(text, 'ai-optout.yaml');
  if (!parsed.doc) throw new Error('not parsed');
  const built = yamlValue(parsed.doc, parsed.at);
  return {
    locate: new Locator(parsed.doc, built.keys, parsed.at, text),
    js: built.value,
    diagnostics: [],
    strict: false,
  };
}

const WEST = { guardrail: GUARDRAIL_WEST, version: 1 };

describe("a policy's settings keep only the Regions without an error", () => {
  it.each([
    ['a valid entry', {}, 0],
    ['ALL as the included models', { includedModels: ['ALL'] }, 0],
    ['a malformed ARN', { guardrail: 'east1guard' }, 1],
    ['a version in the ARN', { guardrail: `${GUARDRAIL_EAST}:3` }, 1],
    ['a guardrail of another Region', { guardrail: GUARDRAIL_WEST }, 1],
    ['a DRAFT version', { version: 'DRAFT' }, 1],
    ['an empty list of included models', { includedModels: [] }, 1],
    ['a bad included model', { includedModels: ['all'] }, 1],
    ['a bad excluded model, the included ones fine', { includedModels: ['ALL'], excludedModels: ['ALL'] }, 1],
    ['a bad included model, the excluded ones fine', { includedModels: ['x'], excludedModels: ['a.b'] }, 1],
    ['a bad ARN and a bad model', { guardrail: 'x', excludedModels: ['x'] }, 2],
  ])('%s', (_name, changed, errors) => {
    const east = { guardrail: GUARDRAIL_EAST, version: 3, ...changed };
    const raw = { guardrails: { 'us-east-1': east, 'eu-west-1': WEST }, lock: 'all' as const };
    const ctx = contextOf({ bedrock: { policies: [raw] } });

    const { settings } = checkPolicySettings(ctx, raw, ['bedrock', 'policies', 0], 'the policy');

    expect(ctx.diagnostics).toHaveLength(errors);
    expect(settings.regions).toEqual(
      errors === 0 ? { 'us-east-1': east, 'eu-west-1': WEST } : { 'eu-west-1': WEST },
    );
  });
});

describe('the expect rules keep only the Regions and the rules without an error', () => {
  const east = { guardrail: GUARDRAIL_EAST, minVersion: 3 };
  const expectOf = (rule: object) => {
    const raw = { guardrails: [rule] };
    const ctx = contextOf({ bedrock: { expect: raw } });
    const expectation = checkExpect(ctx, raw as Parameters<typeof checkExpect>[1]);
    return {
      errors: ctx.diagnostics.map((d) => d.code),
      rules: expectation?.rules.map((r) => [...r.regions]),
    };
  };

  it.each([
    [
      'a valid rule',
      { target: 'root', regions: { 'us-east-1': east } },
      { errors: [], rules: [[['us-east-1', east]]] },
    ],
    [
      'a Region code without its hyphen',
      {
        target: 'root',
        regions: { 'us-east1': east, 'eu-west-1': { guardrail: GUARDRAIL_WEST, minVersion: 1 } },
      },
      { errors: ['invalid-region'], rules: [[['eu-west-1', { guardrail: GUARDRAIL_WEST, minVersion: 1 }]]] },
    ],
    [
      'a guardrail of another Region',
      { target: 'root', regions: { 'us-east-1': { guardrail: GUARDRAIL_WEST, minVersion: 1 } } },
      { errors: ['guardrail-region'], rules: [[]] },
    ],
    [
      'an account id of five digits as the target',
      { target: { account: '12345' }, regions: { 'us-east-1': east } },
      { errors: ['invalid-account-id'], rules: [] },
    ],
  ])('%s', (_name, rule, expected) => {
    expect(expectOf(rule)).toEqual(expected);
  });
});
