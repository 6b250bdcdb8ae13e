/**
 * The desired state, version 1 (docs/configuration.md): the one schema. `config/ai-optout.schema.json`
 * is generated from it (`npm run schema`), and the loader adds the checks a schema cannot express.
 */

import * as z from 'zod';
import { ModeSchema, UnmanagedHandlingSchema } from '../contract-schemas.ts';
import { BEDROCK_SECTION_POLICY_TYPE, VERSION_1_POLICY_TYPE } from '../policy-types/version-1.ts';
import { POLICY_NAME_PATTERN, unpairedSurrogate } from './aws-text.ts';
import { TargetSchema } from './target-schema.ts';

/** A policy entry: what every type's entries have, with the type's own keys after the description. */
function policySchema<F extends Record<string, z.ZodType>>(fields: F) {
  return z.strictObject({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(POLICY_NAME_PATTERN)
      .meta({ description: 'Unique; the Organizations policy name: 1 to 128 printable ASCII characters.' }),
    description: z
      .string()
      .max(512)
      .refine((text) => unpairedSurrogate(text) < 0)
      .optional(),
    ...fields,
    adopt: z.boolean().default(false).meta({
      description:
        'Take over an existing untagged policy with this name (tag it and bring its content in line).',
    }),
    targets: z.array(TargetSchema).min(1),
  });
}

/** The version-1 policies' type: its keys of a policy entry, and its `expect` block. */
const { policyFields, expectSchema } = VERSION_1_POLICY_TYPE.desiredState;

export const PolicySchema = policySchema(policyFields);

const bedrock = BEDROCK_SECTION_POLICY_TYPE.desiredState;
export const BedrockPolicySchema = policySchema(bedrock.policyFields);

/**
 * Amazon Bedrock policies: a section of version 1 that a file may leave out, and that
 * changes nothing of what the rest of the file means.
 */
export const BedrockSectionSchema = z
  .strictObject({
    unmanaged: UnmanagedHandlingSchema.default('report').meta({
      description: 'What to do with Bedrock policies this tool does not own (as for AI opt-out policies).',
    }),
    policies: z.array(BedrockPolicySchema).min(1),
    expect: bedrock.expectSchema.optional(),
  })
  .meta({ description: 'Amazon Bedrock policies: per Region, the guardrail every model call is held to.' });

export const ExpectSchema = expectSchema;

export const DesiredStateSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'Schema version; the integer 1.' }),
    mode: ModeSchema.default('audit'),
    unmanaged: UnmanagedHandlingSchema.default('report').meta({
      description:
        'What to do with AI opt-out policies this tool does not own: report them as drift, detach them, or ignore them.',
    }),
    policies: z.array(PolicySchema).min(1),
    expect: ExpectSchema.optional(),
    bedrock: BedrockSectionSchema.optional(),
  })
  .meta({
    title: 'ai-optout desired state',
    description: 'AWS Organizations AI services opt-out policies, declared for ai-optout (version 1).',
  });

export type DesiredStateDocument = z.output<typeof DesiredStateSchema>;

/** The JSON Schema editors use (referenced from the example config's yaml-language-server line). */
export function desiredStateJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(DesiredStateSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
}
