/**
 * The shape of a Bedrock policy document [ORG-BEDROCK-SYNTAX]: which keys each node may hold, which
 * nodes are settings, and what each setting's value must be. The parser walks a document by it.
 */
import type { Value } from './document.ts';
import { regionOf, type Segments } from './paths.ts';
import {
  CONTENT_GUARDING,
  EXCLUDED_MODELS,
  GUARDING_MODES,
  IDENTIFIER,
  INCLUDED_MODELS,
  INFERENCE_KEY,
  INPUT_TAG_MODES,
  INPUT_TAGS,
  isModelId,
  MESSAGES,
  MODEL_ENFORCEMENT,
  parseIdentifier,
  REGION_PATTERN,
  SYSTEM,
  TOP_KEY,
} from './syntax.ts';

/** What a value check found: a message, and whether AWS would not read the value at all. */
export type ValueCheck = { message: string; drop: boolean } | undefined;

export interface LeafSpec {
  kind: 'leaf';
  list: boolean;
  check(value: Value, segments: Segments): ValueCheck;
}

export interface NodeSpec {
  kind: 'node';
  child(key: string, segments: Segments): { spec: NodeSpec | LeafSpec } | { problem: string };
}

function fields(known: Readonly<Record<string, NodeSpec | LeafSpec>>, what: string): NodeSpec {
  return {
    kind: 'node',
    child: (key) =>
      Object.hasOwn(known, key)
        ? { spec: known[key] as NodeSpec | LeafSpec }
        : { problem: `unknown key in ${what} (known: ${Object.keys(known).join(', ')}); ignored` },
  };
}

function oneOf(allowed: readonly string[]): LeafSpec {
  return {
    kind: 'leaf',
    list: false,
    check: (value) => {
      if (allowed.includes(value as string)) return undefined;
      const lower = (value as string).toLowerCase();
      const hint = allowed.includes(lower) ? ` (values are lower-case: "${lower}")` : '';
      return {
        message: `value ${JSON.stringify(value)} is not one of ${allowed.join(', ')}${hint}; ignored`,
        drop: true,
      };
    },
  };
}

function models(list: typeof INCLUDED_MODELS | typeof EXCLUDED_MODELS): LeafSpec {
  return {
    kind: 'leaf',
    list: true,
    check: (value) => {
      const bad = (value as readonly string[]).filter((item) => !isModelId(item, list));
      if (bad.length === 0) return undefined;
      return {
        message: `${bad.map((m) => JSON.stringify(m)).join(', ')} is not a model id AWS accepts here`,
        drop: false,
      };
    },
  };
}

const IDENTIFIER_SPEC: LeafSpec = {
  kind: 'leaf',
  list: false,
  check: (value, segments) => {
    const parsed = parseIdentifier(value as string);
    const consequence = 'AWS says such an identifier makes every Bedrock call of the accounts below fail';
    if (!parsed.ok)
      return {
        message: `identifier ${JSON.stringify(value)} ${parsed.problem}; ${consequence}`,
        drop: false,
      };
    const region = regionOf(segments);
    if (parsed.region === region) return undefined;
    return {
      message: `identifier ${JSON.stringify(value)} is a guardrail of ${parsed.region}, under Region key ${region}; a guardrail is enforced only in its own Region`,
      drop: false,
    };
  },
};

const CONFIG_SPEC = fields(
  {
    [IDENTIFIER]: IDENTIFIER_SPEC,
    [CONTENT_GUARDING]: fields(
      { [SYSTEM]: oneOf(GUARDING_MODES), [MESSAGES]: oneOf(GUARDING_MODES) },
      CONTENT_GUARDING,
    ),
    [MODEL_ENFORCEMENT]: fields(
      { [INCLUDED_MODELS]: models(INCLUDED_MODELS), [EXCLUDED_MODELS]: models(EXCLUDED_MODELS) },
      MODEL_ENFORCEMENT,
    ),
    [INPUT_TAGS]: oneOf(INPUT_TAG_MODES),
  },
  'a guardrail configuration',
);

const REGION_SPEC: NodeSpec = {
  kind: 'node',
  child: (key) =>
    key.length > 0 ? { spec: CONFIG_SPEC } : { problem: 'an empty configuration key; ignored' },
};

const INFERENCE_SPEC: NodeSpec = {
  kind: 'node',
  child: (key) =>
    REGION_PATTERN.test(key)
      ? { spec: REGION_SPEC }
      : { problem: `${JSON.stringify(key)} is not an AWS Region code such as us-east-1; ignored` },
};

/** The document's top: `bedrock`, holding `guardrail_inference`. */
export const ROOT_SPEC: NodeSpec = fields(
  { [TOP_KEY]: fields({ [INFERENCE_KEY]: INFERENCE_SPEC }, TOP_KEY) },
  'the document',
);
