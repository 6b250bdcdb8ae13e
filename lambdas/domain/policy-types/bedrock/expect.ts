/**
 * `expect` for Bedrock policies: rules of the form "every account at or below a target has guardrail X
 * at version N or later enforced in each listed Region". A Region meets its rule when one of its
 * configurations has an identifier naming that guardrail at that version or a later one, decided (not
 * left to attachment order). Which models the configuration covers is not checked.
 *
 * A rule applies below its target, which the effective state does not know: the caller passes, as
 * `exempt`, the ids of the rules that do not apply to the account (`ruleId`).
 */

import type { LocatedTarget } from '../../desired-state/types.ts';
import type { SourceLocation } from '../../diagnostics.ts';
import type { OrgTree } from '../../organization.ts';
import type { Breach, ExpectBlock } from '../policy-type.ts';
import { type BedrockState, type EffectiveValue, printedValue } from './engine.ts';
import { regionOf } from './paths.ts';
import { IDENTIFIER, parseIdentifier } from './syntax.ts';

export interface RegionExpectation {
  /** The guardrail's ARN, without a version. */
  guardrail: string;
  minVersion: number;
}

export interface GuardrailRule {
  target: LocatedTarget;
  regions: ReadonlyMap<string, RegionExpectation>;
  location: SourceLocation;
}

export interface BedrockExpectation extends ExpectBlock {
  rules: readonly GuardrailRule[];
}

/** The id `exempt` names a rule by: its index in the file. */
export function ruleId(index: number): string {
  return `rule:${index}`;
}

function enforces(value: EffectiveValue, expected: RegionExpectation): boolean {
  if (value.undecided || typeof value.value !== 'string') return false;
  const parsed = parseIdentifier(value.value);
  return parsed.ok && parsed.arn === expected.guardrail && parsed.version >= expected.minVersion;
}

/** The identifiers of one Region of a state. */
function identifiersIn(state: BedrockState, region: string): EffectiveValue[] {
  return [...state.values.values()].filter(
    (value) =>
      regionOf(value.segments) === region && value.segments[value.segments.length - 1] === IDENTIFIER,
  );
}

/** The Regions of one effective state that break a rule that applies to it. */
export function breaches(
  tree: OrgTree,
  state: BedrockState,
  expectation: BedrockExpectation,
  exempt: ReadonlySet<string>,
): Breach[] {
  const found: Breach[] = [];
  expectation.rules.forEach((rule, index) => {
    if (exempt.has(ruleId(index))) return;
    for (const [region, expected] of rule.regions) {
      const identifiers = identifiersIn(state, region);
      if (identifiers.some((value) => enforces(value, expected))) continue;
      found.push({
        service: region,
        expected: `${expected.guardrail}:${expected.minVersion} or later`,
        actual: actualOf(identifiers),
        ...causeOf(tree, identifiers[0]),
      });
    }
  });
  return found;
}

function actualOf(identifiers: readonly EffectiveValue[]): string {
  if (identifiers.length === 0) return 'unset';
  return identifiers
    .map((value) =>
      value.undecided
        ? `one of ${value.undecided.map((c) => c.value).join(', ')} (attachment order decides)`
        : printedValue(value.value),
    )
    .join(', ');
}

function causeOf(tree: OrgTree, value: EffectiveValue | undefined): Pick<Breach, 'cause' | 'causeDetail'> {
  const source = value?.source;
  // A value with no source is AWS's: its effective policy names a guardrail no policy read here enforces.
  if (!source && value)
    return {
      cause: 'aws',
      causeDetail: "as AWS's effective policy says; no Bedrock policy read here enforces it",
    };
  if (!source) return { cause: 'none', causeDetail: 'no Bedrock policy enforces a guardrail there' };
  const node = tree.get(source.nodeId);
  return {
    cause: `${source.policyId}@${source.nodeId}`,
    causeDetail: `${source.policyName} on ${node ? tree.label(node) : source.nodeId}`,
  };
}
