/**
 * The words of a Bedrock policy document as AWS's syntax page gives them [ORG-BEDROCK-SYNTAX], and the
 * formats of its values [BEDROCK-GUARDRAIL-FORMATS]: one definition each, read by the parser, the
 * renderer and the desired state.
 *
 *   {"bedrock": {"guardrail_inference": {"<region>": {"config_1": {
 *       "identifier": {"@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1"},
 *       "selective_content_guarding": {"system": {"@@assign": "selective"}, "messages": {...}},
 *       "model_enforcement": {"included_models": {"@@assign": ["ALL"]}, "excluded_models": {...}}}}}}}
 */

export const TOP_KEY = 'bedrock';
export const INFERENCE_KEY = 'guardrail_inference';
/** The configuration key AWS's examples use; AWS documents no naming rule for it. */
export const CONFIG_KEY = 'config_1';

export const IDENTIFIER = 'identifier';
export const CONTENT_GUARDING = 'selective_content_guarding';
export const SYSTEM = 'system';
export const MESSAGES = 'messages';
export const MODEL_ENFORCEMENT = 'model_enforcement';
export const INCLUDED_MODELS = 'included_models';
export const EXCLUDED_MODELS = 'excluded_models';
/** The preview syntax's setting, which the current syntax page no longer lists [ORG-BEDROCK-SYNTAX]. */
export const INPUT_TAGS = 'input_tags';

export const GUARDING_MODES = ['selective', 'comprehensive'] as const;
export type GuardingMode = (typeof GUARDING_MODES)[number];
export const INPUT_TAG_MODES = ['honor', 'ignore'] as const;

/** The keyword `included_models` accepts for every model. */
export const ALL_MODELS = 'ALL';

/** An AWS Region code such as `us-east-1`, `us-gov-west-1` or `eu-central-2`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-[1-9][0-9]?$/;

/** A guardrail ARN without its version (Bedrock's GuardrailArn shape, anchored). */
export const GUARDRAIL_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:bedrock:([a-z0-9-]{1,20}):([0-9]{12}):guardrail\/([a-z0-9]{1,64})$/;
/** A numbered guardrail version (GuardrailNumericalVersion); `DRAFT` is not one. */
export const GUARDRAIL_VERSION_PATTERN = /^[1-9][0-9]{0,7}$/;
export const DRAFT = 'DRAFT';

/** Model ids `included_models` and `excluded_models` accept (IncludedModelId, ExcludedModelId). */
export const MODEL_ID_PATTERN =
  /^[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}(?::[a-z0-9-]{1,63}){0,2}(?:\/[a-z0-9]{12})?$/;

/** An identifier's parts, or why it is not `<guardrail ARN>:<numbered version>`. */
export type ParsedIdentifier =
  | { ok: true; arn: string; region: string; account: string; id: string; version: number }
  | { ok: false; problem: string };

export function parseIdentifier(identifier: string): ParsedIdentifier {
  const colon = identifier.lastIndexOf(':');
  const arn = identifier.slice(0, colon);
  const version = identifier.slice(colon + 1);
  // No colon leaves `arn` without one, which the pattern refuses.
  const match = GUARDRAIL_ARN_PATTERN.exec(arn);
  if (!match) {
    return { ok: false, problem: 'is not a guardrail ARN followed by `:` and a version' };
  }
  if (version === DRAFT) {
    return {
      ok: false,
      problem: 'names the DRAFT version, which AWS does not enforce; name a numbered version',
    };
  }
  if (!GUARDRAIL_VERSION_PATTERN.test(version)) {
    return {
      ok: false,
      problem: `ends in version ${JSON.stringify(version)}, which is not a number from 1 to 99999999`,
    };
  }
  // The pattern's three groups are not optional: a match holds each.
  const [, region, account, id] = match as unknown as [string, string, string, string];
  return { ok: true, arn, region, account, id, version: Number(version) };
}

/** A model id a list accepts (`ALL` only in `included_models`). */
export function isModelId(value: string, list: typeof INCLUDED_MODELS | typeof EXCLUDED_MODELS): boolean {
  return (list === INCLUDED_MODELS && value === ALL_MODELS) || MODEL_ID_PATTERN.test(value);
}
