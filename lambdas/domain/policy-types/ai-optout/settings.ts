/**
 * The values of AI opt-out policies, each written once as a zod schema: a service's setting, the setting
 * once inheritance is resolved, a declared policy's lock, and AWS's printed effective document. Report
 * version 1 publishes them (planner/schema.ts).
 */
import * as z from 'zod';

export const SettingSchema = z.enum(['optOut', 'optIn']);
export type Setting = z.output<typeof SettingSchema>;
/** A service's setting once inheritance is resolved: `unset` when no policy sets it, nor `default`. */
export const ResolvedSettingSchema = z.enum([...SettingSchema.options, 'unset']);
export type ResolvedSetting = z.output<typeof ResolvedSettingSchema>;

export const LockSchema = z.enum(['all', 'declared', 'none']).meta({
  description:
    'How tightly child policies are locked. all: children can change nothing and add no service. ' +
    'declared: children cannot change what this policy sets but may add other services. none: no locks.',
});
export type Lock = z.output<typeof LockSchema>;

/** An effective policy as DescribeEffectivePolicy prints it: each service's value, operators stripped. */
export const EffectiveDocumentSchema = z.strictObject({
  services: z.record(z.string(), z.strictObject({ opt_out_policy: z.string() })),
});
export type EffectiveDocument = z.output<typeof EffectiveDocumentSchema>;

/** Service keys in report order: `default` first, then the others sorted. */
export function compareServiceKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'default') return -1;
  if (b === 'default') return 1;
  return a < b ? -1 : 1;
}
