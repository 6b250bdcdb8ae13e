/**
 * Renders a declared Bedrock policy as canonical minified JSON in AWS's syntax [ORG-BEDROCK-SYNTAX]:
 * Regions sorted, one configuration `config_1` per Region, the settings in the syntax page's order, and
 * the child-control operator before the value it guards (the order of AWS's inheritance examples).
 * The lock says where `["@@none"]` goes [ORG-INHERITANCE-OPERATORS], which never cascades, so a lock
 * is written at every node it covers:
 * - `all`: every node, from `bedrock` down: children can change nothing and enforce nothing more;
 * - `declared`: every node from each declared Region down: children cannot change what this policy
 *   enforces in its Regions, but may add Regions of their own;
 * - `none`: no child-control operators.
 */
import { ASSIGN, CHILD_CONTROL } from '../operators.ts';
import {
  ALL_MODELS,
  CONFIG_KEY,
  CONTENT_GUARDING,
  EXCLUDED_MODELS,
  type GuardingMode,
  IDENTIFIER,
  INCLUDED_MODELS,
  INFERENCE_KEY,
  MESSAGES,
  MODEL_ENFORCEMENT,
  SYSTEM,
  TOP_KEY,
} from './syntax.ts';

export type Lock = 'all' | 'declared' | 'none';

/** The guardrail one Region enforces, and its optional settings. */
export interface RegionGuardrail {
  /** The guardrail's ARN, without a version. */
  guardrail: string;
  version: number;
  system?: GuardingMode | undefined;
  messages?: GuardingMode | undefined;
  includedModels?: readonly string[] | undefined;
  excludedModels?: readonly string[] | undefined;
}

export interface BedrockDefinition {
  regions: Readonly<Record<string, RegionGuardrail>>;
  lock: Lock;
}

type Json = Record<string, unknown>;

export function renderBedrockDocument(definition: BedrockDefinition): string {
  const top = definition.lock === 'all';
  const below = definition.lock !== 'none';
  const node = (locked: boolean, body: Json): Json =>
    locked ? { [CHILD_CONTROL]: ['@@none'], ...body } : body;
  const leaf = (value: unknown): Json => node(below, { [ASSIGN]: value });
  const regions: Json = {};
  for (const region of Object.keys(definition.regions).sort()) {
    const guardrail = definition.regions[region] as RegionGuardrail;
    regions[region] = node(below, { [CONFIG_KEY]: node(below, configBody(guardrail, leaf, node, below)) });
  }
  return JSON.stringify(node(false, { [TOP_KEY]: node(top, { [INFERENCE_KEY]: node(top, regions) }) }));
}

function configBody(
  guardrail: RegionGuardrail,
  leaf: (value: unknown) => Json,
  node: (locked: boolean, body: Json) => Json,
  locked: boolean,
): Json {
  const body: Json = { [IDENTIFIER]: leaf(`${guardrail.guardrail}:${guardrail.version}`) };
  if (guardrail.system !== undefined || guardrail.messages !== undefined) {
    const guarding: Json = {};
    if (guardrail.system !== undefined) guarding[SYSTEM] = leaf(guardrail.system);
    if (guardrail.messages !== undefined) guarding[MESSAGES] = leaf(guardrail.messages);
    body[CONTENT_GUARDING] = node(locked, guarding);
  }
  if (guardrail.includedModels !== undefined || guardrail.excludedModels !== undefined) {
    // AWS requires both lists once `model_enforcement` is present: all models, none excluded, unless set.
    body[MODEL_ENFORCEMENT] = node(locked, {
      [INCLUDED_MODELS]: leaf(guardrail.includedModels ?? [ALL_MODELS]),
      [EXCLUDED_MODELS]: leaf(guardrail.excludedModels ?? []),
    });
  }
  return body;
}
