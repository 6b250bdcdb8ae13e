/**
 * The policy type the version-1 formats hold: the desired state's `policies` and `expect` (ai-optout.yaml,
 * version 1), an organization snapshot's `policies` (snapshotVersion 1), and report version 1's rows.
 * Outside policy-types/, code reaches a type through this module (or reads a type's plain facts.ts). A
 * second type plugs in here, with a section of its own in those formats.
 */
import { aiOptOut } from './ai-optout/index.ts';
import { bedrock } from './bedrock/index.ts';

export const VERSION_1_POLICY_TYPE = aiOptOut;

/** The type of the file's `bedrock:` section, a section of version 1 that files without it do not have. */
export const BEDROCK_SECTION_POLICY_TYPE = bedrock;

/** The type's part of a version-1 policy entry and its `expect` block (desired-state/types.ts). */
export type {
  AiOptOutSettings as Version1Settings,
  Expectation,
  ExpectException,
} from './ai-optout/desired-state.ts';
/** The values report version 1 publishes (planner/schema.ts). */
export {
  EffectiveDocumentSchema,
  type ResolvedSetting,
  ResolvedSettingSchema,
} from './ai-optout/settings.ts';
export type { BedrockState } from './bedrock/engine.ts';
export type { BedrockExpectation } from './bedrock/expect.ts';
export type { BedrockPolicy } from './bedrock/index.ts';
export { BedrockEffectiveDocumentSchema } from './bedrock/index.ts';
/** The pre-flight of the guardrails a plan would enforce (planner/preflight.ts, adapters/bedrock/). */
export {
  type GuardrailObservation,
  type GuardrailRead,
  type GuardrailToCheck,
  guardrailsToCheck,
  PREFLIGHT_CHECKS,
  type PreflightContext,
  type PreflightResult,
  preflight,
  preflightBreaches,
  type ResourcePolicyRead,
} from './bedrock/preflight.ts';
