/**
 * Effective policies as AWS prints them: DescribeEffectivePolicy's `PolicyContent` is the resolved
 * document, operators stripped, each service mapped to `{"opt_out_policy": "optOut" | "optIn"}`. AWS's
 * only published example ("Viewing effective AI services opt-out policies",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_effective.html):
 *
 *   "PolicyContent": "{\"services\":{\"comprehend\":{\"opt_out_policy\":\"optOut\"}, ... }}"
 *
 * The example does not say whether keys are sorted, whether `default` appears, or whether a key that
 * is only locked appears without a value, so documents are compared as the set of services that
 * carry a value and each one's value, never as text.
 */
import { compareServiceKeys } from './collections.ts';
import type { EffectiveState } from './effective-policy.ts';
import { type Setting, SettingSchema } from './model.ts';

/** Each service with a value in an effective document, and that value as AWS wrote it. */
export type EffectiveSettings = ReadonlyMap<string, string>;

export interface EffectiveDocument {
  services: Record<string, { opt_out_policy: string }>;
}

/** A local effective state in AWS's printed form (`default` first, then service keys sorted). */
export function effectiveDocument(state: EffectiveState): EffectiveDocument {
  return documentOf(settingsOfState(state));
}

export function documentOf(settings: EffectiveSettings): EffectiveDocument {
  const services: Record<string, { opt_out_policy: string }> = {};
  for (const key of [...settings.keys()].sort(compareServiceKeys)) {
    services[key] = { opt_out_policy: settings.get(key) as string };
  }
  return { services };
}

export function settingsOfState(state: EffectiveState): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [key, entry] of state.entries) if (entry.value !== undefined) settings.set(key, entry.value);
  return settings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The settings of AWS's document. An absent or empty content is no effective policy. A value that
 * still carries `@@assign` (not AWS's documented form) is read through it, so a change of form does not
 * read as a disagreement; anything else unreadable is an error naming what was wrong.
 */
export function parseEffectiveDocument(
  content: string | undefined,
): { settings: EffectiveSettings } | { error: string } {
  if (content === undefined || content.trim() === '') return { settings: new Map() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { error: 'the effective policy is not JSON' };
  }
  if (!isRecord(parsed)) return { error: 'the effective policy is not a JSON object' };
  const services = parsed.services ?? {};
  if (!isRecord(services)) return { error: 'the effective policy has no `services` object' };
  const settings = new Map<string, string>();
  for (const [key, entry] of Object.entries(services)) {
    if (!isRecord(entry)) continue;
    const raw = entry.opt_out_policy;
    const value = isRecord(raw) ? raw['@@assign'] : raw;
    if (typeof value === 'string') settings.set(key, value);
  }
  return { settings };
}

/** A value AWS wrote as a setting the engine knows, or undefined (`OptOut`, a future value). */
export function asSetting(value: string | undefined): Setting | undefined {
  const parsed = SettingSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export interface SettingDifference {
  service: string;
  /** Ours, or `absent`. */
  local: string;
  /** AWS's, or `absent`. */
  aws: string;
}

/** The services whose value differs between two effective documents, `default` first. */
export function differences(local: EffectiveSettings, aws: EffectiveSettings): SettingDifference[] {
  const keys = [...new Set([...local.keys(), ...aws.keys()])].sort(compareServiceKeys);
  return keys
    .filter((key) => local.get(key) !== aws.get(key))
    .map((service) => ({
      service,
      local: local.get(service) ?? 'absent',
      aws: aws.get(service) ?? 'absent',
    }));
}
