/**
 * Bedrock's part of the desired state (docs/configuration.md, "Bedrock policies"): a policy entry's
 * `guardrails` (per Region the guardrail ARN, its numbered version and the optional settings AWS
 * defines) and `lock`, and the section's `expect` rules, as zod schemas; and the checks a schema cannot
 * express, which refuse before anything is written what AWS would store and then fail every Bedrock
 * call with [ORG-BEDROCK-INVALID-IDENTIFIER]: a malformed ARN, a DRAFT version, a guardrail of another
 * Region.
 */
import * as z from 'zod';
import { addError, type CheckContext } from '../../desired-state/check-context.ts';
import { formatPath, type Path, show, valueAt } from '../../desired-state/locator.ts';
import { toTargetRef } from '../../desired-state/target-checks.ts';
import { TargetSchema } from '../../desired-state/target-schema.ts';
import { type BedrockExpectation, type GuardrailRule, type RegionExpectation, ruleId } from './expect.ts';
import { BEDROCK_FACTS } from './facts.ts';
import { type BedrockDefinition, type Lock, type RegionGuardrail, renderBedrockDocument } from './render.ts';
import {
  EXCLUDED_MODELS,
  GUARDING_MODES,
  GUARDRAIL_ARN_PATTERN,
  INCLUDED_MODELS,
  isModelId,
  REGION_PATTERN,
} from './syntax.ts';

const GuardingModeSchema = z.enum(GUARDING_MODES);
const VERSION_TEXT = 'The numbered guardrail version to enforce (DRAFT cannot be enforced).';

const RegionGuardrailSchema = z.strictObject({
  guardrail: z.string().min(1).meta({
    description: 'The guardrail ARN, without a version: arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID.',
  }),
  version: z.union([z.number(), z.string()]).meta({ description: VERSION_TEXT }),
  system: GuardingModeSchema.optional().meta({
    description:
      'How system prompts are guarded: comprehensive (AWS default) or selective (only tagged content).',
  }),
  messages: GuardingModeSchema.optional().meta({
    description: 'How user and assistant messages are guarded: comprehensive (AWS default) or selective.',
  }),
  includedModels: z
    .array(z.string())
    .optional()
    .meta({ description: 'Models to enforce on; ALL for every model.' }),
  excludedModels: z.array(z.string()).optional().meta({ description: 'Models exempt from enforcement.' }),
});

export const LockSchema = z.enum(['all', 'declared', 'none']).meta({
  description:
    'How tightly child policies are locked. all: children can change nothing and enforce nothing more. ' +
    'declared: children cannot change the declared Regions but may add Regions. none: no locks.',
});

/** The keys of a Bedrock policy entry that are the type's own, in the order the JSON Schema lists them. */
export const POLICY_FIELDS = {
  guardrails: z.record(z.string(), RegionGuardrailSchema).meta({
    description: 'Per AWS Region (such as us-east-1): the guardrail every model call there is held to.',
  }),
  lock: LockSchema.default('all'),
};

const RegionExpectationSchema = z.strictObject({
  guardrail: z.string().min(1).meta({ description: 'The guardrail ARN, without a version.' }),
  minVersion: z.number().int().min(1).meta({ description: 'The lowest version that meets the rule.' }),
});

export const ExpectSchema = z.strictObject({
  guardrails: z
    .array(
      z.strictObject({
        target: TargetSchema,
        regions: z.record(z.string(), RegionExpectationSchema),
      }),
    )
    .min(1)
    .meta({
      description:
        'Every account at or below the target has, in each Region, the guardrail at minVersion or later enforced.',
    }),
});

/** A declared policy's Bedrock settings. */
export interface BedrockSettings {
  regions: Readonly<Record<string, RegionGuardrail>>;
  lock: Lock;
}

type RawRegion = z.output<typeof RegionGuardrailSchema>;
type RawSettings = { guardrails: Record<string, RawRegion>; lock: Lock };

/** The checks of a policy entry's Bedrock settings; its settings and rendered document. */
export function checkPolicySettings(
  ctx: CheckContext,
  raw: RawSettings,
  path: Path,
  label: string,
): { settings: BedrockSettings; content: string } {
  const regions: Record<string, RegionGuardrail> = {};
  const guardrailsPath = [...path, 'guardrails'];
  if (Object.keys(raw.guardrails).length === 0) {
    const message = `${label}: \`guardrails\` names no Region`;
    addError(
      ctx,
      'empty-policy',
      ctx.locate.key(path, 'guardrails'),
      message,
      'add a Region such as `us-east-1:` with its guardrail',
    );
  }
  for (const [region, entry] of Object.entries(raw.guardrails)) {
    const checked = checkRegion(ctx, region, entry, [...guardrailsPath, region]);
    if (checked) regions[region] = checked;
  }
  refuseDroppedKeys(ctx, guardrailsPath, raw.guardrails);
  const definition: BedrockDefinition = { regions, lock: raw.lock };
  const content = renderBedrockDocument(definition);
  if (content.length > BEDROCK_FACTS.maxDocumentCharacters) {
    addError(
      ctx,
      'document-too-long',
      ctx.locate.key(path, 'name'),
      `${label}: the rendered document has ${content.length} characters, more than the ${BEDROCK_FACTS.maxDocumentCharacters} AWS allows`,
      'split the Regions over two policies, or shorten the model lists',
    );
  }
  return { settings: definition, content };
}

/**
 * Keys of the file's mapping at `path` that the schema's output lacks (a key named `__proto__` is
 * data in the file but not in a parsed record): each is refused as a Region key, never silently lost.
 */
function refuseDroppedKeys(ctx: CheckContext, path: Path, parsed: object): void {
  const written = valueAt(ctx.js, path);
  if (written === null || typeof written !== 'object') return;
  for (const key of Object.keys(written)) {
    if (!Object.hasOwn(parsed, key)) checkRegionKey(ctx, key, [...path, key]);
  }
}

/** A Region key is a Region code; a region's guardrail is a guardrail ARN of that Region. */
export function checkRegionKey(ctx: CheckContext, region: string, path: Path): boolean {
  if (REGION_PATTERN.test(region)) return true;
  // The usual slips: capitals, and no hyphen before the number (`us-east1`).
  const guess = region.toLowerCase().replace(/([a-z])([1-9][0-9]?)$/, '$1-$2');
  addError(
    ctx,
    'invalid-region',
    ctx.locate.key(path.slice(0, -1), region),
    `${formatPath(path.slice(0, -1))}: ${show(region)} is not an AWS Region code`,
    REGION_PATTERN.test(guess)
      ? `did you mean \`${guess}\`?`
      : 'Region codes look like `us-east-1` or `eu-central-2`',
  );
  return false;
}

/** A guardrail ARN (no version) of `region`; false (with an error) otherwise. */
export function checkGuardrailArn(
  ctx: CheckContext,
  arn: string,
  region: string,
  path: Path,
  versionKey = 'version',
): boolean {
  const where = formatPath(path);
  const location = ctx.locate.value(path);
  const withVersion = /^(.*):([^:/]+)$/.exec(arn);
  if (withVersion && GUARDRAIL_ARN_PATTERN.test(withVersion[1] as string)) {
    const hint = `write \`guardrail: ${withVersion[1]}\` and the version as \`${versionKey}: ${withVersion[2]}\``;
    addError(
      ctx,
      'version-in-arn',
      location,
      `${where}: ${show(arn)} carries a version (:${withVersion[2]})`,
      hint,
    );
    return false;
  }
  const match = GUARDRAIL_ARN_PATTERN.exec(arn);
  if (!match) {
    const message = `${where}: ${show(arn)} is not a guardrail ARN; AWS says a malformed identifier makes every Bedrock call of the accounts below fail`;
    addError(
      ctx,
      'invalid-guardrail-arn',
      location,
      message,
      'write arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID',
    );
    return false;
  }
  if (match[1] === region) return true;
  addError(
    ctx,
    'guardrail-region',
    location,
    `${where}: ${show(arn)} is a guardrail of ${match[1]}, declared under ${region}; AWS enforces a guardrail only in the Region it was created in`,
    `move it under \`${match[1]}:\`, or name the guardrail of ${region}`,
  );
  return false;
}

function checkRegion(
  ctx: CheckContext,
  region: string,
  raw: RawRegion,
  path: Path,
): RegionGuardrail | undefined {
  if (!checkRegionKey(ctx, region, path)) return undefined;
  const arnOk = checkGuardrailArn(ctx, raw.guardrail, region, [...path, 'guardrail']);
  const version = checkVersion(ctx, raw.version, [...path, 'version']);
  const modelsOk = ([INCLUDED_MODELS, EXCLUDED_MODELS] as const)
    .map((list) => checkModels(ctx, raw, list, path))
    .every(Boolean);
  if (!arnOk || version === undefined || !modelsOk) return undefined;
  return {
    guardrail: raw.guardrail,
    version,
    system: raw.system,
    messages: raw.messages,
    includedModels: raw.includedModels,
    excludedModels: raw.excludedModels,
  };
}

function checkVersion(ctx: CheckContext, value: number | string, path: Path): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 99999999) return value;
  const where = formatPath(path);
  const location = ctx.locate.value(path);
  if (typeof value === 'string' && value.toUpperCase() === 'DRAFT') {
    const message = `${where}: DRAFT cannot be enforced; AWS requires a numbered version of the guardrail`;
    addError(
      ctx,
      'draft-version',
      location,
      message,
      'publish a version of the guardrail (CreateGuardrailVersion) and write its number',
    );
    return undefined;
  }
  const hint =
    typeof value === 'string' && /^[1-9][0-9]{0,7}$/.test(value)
      ? `write \`version: ${value}\` without quotes`
      : undefined;
  addError(
    ctx,
    'invalid-version',
    location,
    `${where}: ${show(value)} is not a version number from 1 to 99999999`,
    hint,
  );
  return undefined;
}

function checkModels(
  ctx: CheckContext,
  raw: RawRegion,
  list: typeof INCLUDED_MODELS | typeof EXCLUDED_MODELS,
  path: Path,
): boolean {
  const key = list === INCLUDED_MODELS ? 'includedModels' : 'excludedModels';
  const models = raw[key];
  if (models === undefined) return true;
  if (list === INCLUDED_MODELS && models.length === 0) {
    const message = `${formatPath([...path, key])}: an empty list; AWS's API requires at least one model`;
    addError(ctx, 'empty-models', ctx.locate.value([...path, key]), message, 'write `[ALL]` for every model');
    return false;
  }
  let ok = true;
  models.forEach((model, i) => {
    if (isModelId(model, list)) return;
    ok = false;
    const all =
      model.toUpperCase() === 'ALL'
        ? list === INCLUDED_MODELS
          ? 'did you mean `ALL`?'
          : '`ALL` is allowed only in includedModels'
        : undefined;
    const message = `${formatPath([...path, key, i])}: ${show(model)} is not a Bedrock model id such as amazon.titan-embed-text-v2:0`;
    addError(ctx, 'invalid-model-id', ctx.locate.value([...path, key, i]), message, all);
  });
  return ok;
}

type RawExpect = z.output<typeof ExpectSchema>;

/** Where the rules are written: `bedrock.expect`. */
const SECTION_KEY = 'bedrock';
const EXPECT_KEY = 'expect';

/** The `expect` rules, located; undefined when the section has none. */
export function checkExpect(ctx: CheckContext, raw: RawExpect | undefined): BedrockExpectation | undefined {
  if (!raw) return undefined;
  const base: Path = [SECTION_KEY, EXPECT_KEY];
  const rules: GuardrailRule[] = [];
  raw.guardrails.forEach((rule, i) => {
    const path: Path = [...base, 'guardrails', i];
    const ref = toTargetRef(ctx, rule.target, [...path, 'target']);
    const regions = new Map<string, RegionExpectation>();
    for (const [region, expected] of Object.entries(rule.regions)) {
      const at: Path = [...path, 'regions', region];
      if (
        checkRegionKey(ctx, region, at) &&
        checkGuardrailArn(ctx, expected.guardrail, region, [...at, 'guardrail'], 'minVersion')
      ) {
        regions.set(region, expected);
      }
    }
    refuseDroppedKeys(ctx, [...path, 'regions'], rule.regions);
    if (Object.keys(rule.regions).length === 0) {
      addError(
        ctx,
        'empty-rule',
        ctx.locate.key(path, 'regions'),
        `${formatPath(path)}.regions: names no Region`,
      );
    }
    const location = ctx.locate.value(path);
    if (ref)
      rules.push({ target: { ref, location: ctx.locate.value([...path, 'target']) }, regions, location });
  });
  const scoped = rules.map((rule, i) => ({ target: rule.target, id: ruleId(i) }));
  return {
    rules,
    except: [],
    scoped,
    location: ctx.locate.key([SECTION_KEY], EXPECT_KEY),
  };
}
