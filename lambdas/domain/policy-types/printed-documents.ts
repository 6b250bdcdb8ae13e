/**
 * What every type's reading of AWS's printed effective policy shares [ORG-AI-EFFECTIVE-DOCUMENT],
 * [ORG-BEDROCK-SYNTAX]: the document as a JSON object (absent or blank content is no effective policy),
 * and the settings where the local computation and AWS's answer differ.
 */
import { isRecord } from './json-document.ts';
import type { EffectiveSettings, SettingDifference } from './policy-type.ts';

/** AWS's content as an object; `empty` for no effective policy; or what was unreadable. */
export function printedObject(
  content: string | undefined,
): { object: Record<string, unknown> } | { empty: true } | { error: string } {
  if (content === undefined || content.trim() === '') return { empty: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return { error: 'the effective policy is not JSON' };
  }
  return isRecord(parsed) ? { object: parsed } : { error: 'the effective policy is not a JSON object' };
}

/** The settings whose values differ, in the order `compare` gives their names. */
export function settingDifferences(
  local: EffectiveSettings,
  aws: EffectiveSettings,
  compare?: (a: string, b: string) => number,
): SettingDifference[] {
  const names = [...new Set([...local.keys(), ...aws.keys()])].sort(compare);
  return names
    .filter((name) => local.get(name) !== aws.get(name))
    .map((service) => ({
      service,
      local: local.get(service) ?? 'absent',
      aws: aws.get(service) ?? 'absent',
    }));
}
