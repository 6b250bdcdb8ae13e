/**
 * Effective policies as AWS prints them [ORG-AI-EFFECTIVE-DOCUMENT]: DescribeEffectivePolicy's
 * `PolicyContent` is the resolved document, operators stripped, each service mapped to
 * `{"opt_out_policy": "optOut" | "optIn"}`. AWS's only published example:
 *
 *   "PolicyContent": "{\"services\":{\"comprehend\":{\"opt_out_policy\":\"optOut\"}, ... }}"
 *
 * The example does not say whether keys are sorted, whether `default` appears, or whether a key that
 * is only locked appears without a value, so documents are compared as the set of services that
 * carry a value and each one's value, never as text.
 */

import type { OrgNode } from '../../organization.ts';
import { isRecord } from '../json-document.ts';
import type { AttachedPolicy, EffectiveSettings, SettingDifference, SettingSource } from '../policy-type.ts';
import { printedObject, settingDifferences } from '../printed-documents.ts';
import { OPS_ALL, type ParsedPolicyDocument } from './document.ts';
import type { EffectiveEntry, EffectiveState } from './engine.ts';
import { compareServiceKeys, type EffectiveDocument, type Setting, SettingSchema } from './settings.ts';

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

/**
 * The settings of AWS's document. An absent or empty content is no effective policy. A value that
 * still carries `@@assign` (not AWS's documented form) is read through it, so a change of form does not
 * read as a disagreement; anything else unreadable is an error naming what was wrong.
 */
export function parseEffectiveDocument(
  content: string | undefined,
): { settings: EffectiveSettings } | { error: string } {
  const read = printedObject(content);
  if ('empty' in read) return { settings: new Map() };
  if ('error' in read) return read;
  const parsed = read.object;
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

/** The services whose value differs between two effective documents, `default` first. */
export function differences(local: EffectiveSettings, aws: EffectiveSettings): SettingDifference[] {
  return settingDifferences(local, aws, compareServiceKeys);
}

type ChainLink = { policy: AttachedPolicy<ParsedPolicyDocument>; node: OrgNode };

/**
 * AWS's document as an effective state: its values (a value the engine does not know, such as
 * `OptOut`, counts as unset), attributed to our source where the value is ours, else to the deepest
 * policy of the chain that assigns that value; the locks stay ours (AWS's document has none).
 */
export function awsStateOf(
  local: EffectiveState,
  aws: EffectiveSettings,
  chain: readonly ChainLink[],
): EffectiveState {
  const entries = new Map<string, EffectiveEntry>();
  for (const key of new Set([...local.entries.keys(), ...aws.keys()])) {
    const ours = local.entries.get(key);
    const value = asSetting(aws.get(key));
    const source =
      value === undefined ? undefined : value === ours?.value ? ours.source : sourceIn(chain, key, value);
    entries.set(key, {
      value,
      source,
      entryOps: ours?.entryOps ?? OPS_ALL,
      settingOps: ours?.settingOps ?? OPS_ALL,
    });
  }
  return { servicesOps: local.servicesOps, entries };
}

function sourceIn(chain: readonly ChainLink[], key: string, value: string): SettingSource | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const { policy, node } = chain[i] as ChainLink;
    if (policy.document.entries.get(key)?.setting === value) {
      return { policyId: policy.id, policyName: policy.name, nodeId: node.id };
    }
  }
  return undefined;
}

/** The service a validation error's path names (`services.lex...`, `/services/lex/...`), else `*`. */
export function serviceInPath(path: string | undefined): string {
  const match = /services[./"[\]]+([a-z0-9:]+)/.exec(path ?? '');
  return match?.[1] ?? '*';
}
