/**
 * The desired state, version 1 (docs/configuration.md): the one schema. `config/ai-optout.schema.json`
 * is generated from it (`npm run schema`), and the loader adds the checks a schema cannot express.
 */

import * as z from 'zod';
import { ModeSchema, UnmanagedHandlingSchema } from '../contract-schemas.ts';
import { SettingSchema } from '../model.ts';
import { POLICY_NAME_PATTERN, unpairedSurrogate } from './aws-text.ts';

const TargetSchema = z
  .union([
    z.literal('root').meta({ description: 'The organization root: every OU and account.' }),
    z.strictObject({
      ou: z.string().min(1).meta({
        description:
          'OU path of names below the root, such as Workloads/Prod ("Root/" prefix allowed), or an OU id.',
      }),
    }),
    z.strictObject({
      account: z.string().min(1).meta({
        description: 'A 12-digit account id (quote it in YAML) or an exact account name.',
      }),
    }),
  ])
  .meta({ description: 'root, { ou: PATH-OR-ID } or { account: ID-OR-NAME }' });

const LockSchema = z.enum(['all', 'declared', 'none']).meta({
  description:
    'How tightly child policies are locked. all: children can change nothing and add no service. ' +
    'declared: children cannot change what this policy sets but may add other services. none: no locks.',
});
export type Lock = z.output<typeof LockSchema>;

export const PolicySchema = z.strictObject({
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
  default: SettingSchema.optional().meta({
    description: 'Setting for every AI service, including future ones.',
  }),
  services: z.record(z.string(), SettingSchema).optional().meta({
    description: 'Per-service settings: service key -> optOut | optIn. Explicit services beat default.',
  }),
  lock: LockSchema.default('all'),
  adopt: z.boolean().default(false).meta({
    description:
      'Take over an existing untagged policy with this name (tag it and bring its content in line).',
  }),
  targets: z.array(TargetSchema).min(1),
});

export const ExceptionSchema = z.strictObject({
  ou: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  root: z.literal(true).optional(),
  services: z
    .array(z.string())
    .min(1)
    .meta({ description: 'Services that may be optIn for accounts at or below this target.' }),
});

export const ExpectSchema = z.strictObject({
  optOut: z.union([z.literal('all'), z.array(z.string()).min(1)]).meta({
    description:
      'all: every account has an effective default of optOut and no service opted in. ' +
      'A list of services: each must resolve to optOut for every account.',
  }),
  except: z.array(ExceptionSchema).optional(),
});

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
