/**
 * Effective Bedrock policies as AWS prints them. AWS publishes no example for this type
 * [ORG-BEDROCK-EFFECTIVE-DOCUMENT]; by the rule of every declarative type the printed policy is the
 * merged document with the operators stripped, each setting holding its value:
 *
 *   {"bedrock":{"guardrail_inference":{"us-east-1":{"config_1":{"identifier":"arn:…:guardrail/abc:1"}}}}}
 *
 * Assumed, and so never relied on: key order, whether defaults (`comprehensive`) are printed, whether
 * empty lists appear. Documents are therefore compared as the set of settings that carry a value and
 * each one's value, never as text; a value that still carries `@@assign` is read through it.
 */

import * as z from 'zod';
import type { OrgNode } from '../../organization.ts';
import { isRecord } from '../json-document.ts';
import { ASSIGN } from '../operators.ts';
import type { AttachedPolicy, EffectiveSettings, SettingDifference, SettingSource } from '../policy-type.ts';
import { printedObject, settingDifferences } from '../printed-documents.ts';
import type { ParsedBedrockDocument, Value } from './document.ts';
import type { BedrockState, EffectiveValue } from './engine.ts';
import { printedValue, valueNamed } from './engine.ts';
import { INFERENCE_PATH, nameOf, type Segments, settingName } from './paths.ts';
import { INFERENCE_KEY, TOP_KEY } from './syntax.ts';

/** An effective Bedrock policy in AWS's printed form (the report's `local` of a disagreement). */
export const BedrockEffectiveDocumentSchema = z.strictObject({
  bedrock: z.strictObject({ guardrail_inference: z.record(z.string(), z.record(z.string(), z.unknown())) }),
});
export type BedrockEffectiveDocument = z.output<typeof BedrockEffectiveDocumentSchema>;

/** The settings of a local state, by setting name, as AWS would print them. */
export function settingsOfState(state: BedrockState): Map<string, string> {
  const settings = new Map<string, string>();
  for (const value of state.values.values())
    settings.set(settingName(value.segments), printedValue(value.value));
  return settings;
}

/** Settings (by name below `guardrail_inference`) as the nested document AWS prints. */
export function documentOf(settings: EffectiveSettings): BedrockEffectiveDocument {
  const inference: Record<string, Record<string, unknown>> = {};
  for (const name of [...settings.keys()].sort()) {
    const segments = splitName(name);
    const region = segments[0] as string;
    let node: Record<string, unknown> = inference[region] ?? {};
    inference[region] = node;
    for (const key of segments.slice(1, -1)) {
      const next = isRecord(node[key]) ? (node[key] as Record<string, unknown>) : {};
      node[key] = next;
      node = next;
    }
    node[segments[segments.length - 1] as string] = valueOfPrinted(settings.get(name) as string);
  }
  return { [TOP_KEY]: { [INFERENCE_KEY]: inference } } as BedrockEffectiveDocument;
}

/** A printed value back as a value: a JSON list of strings is a list, anything else the string itself. */
function valueOfPrinted(text: string): Value {
  if (!text.startsWith('[')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : text;
  } catch {
    return text;
  }
}

/** The keys of a setting name (the inverse of nameOf: plain keys, or JSON strings). */
function splitName(name: string): string[] {
  const keys: string[] = [];
  // A quoted key (captured whole, quotes included, so never empty) or a plain one.
  const pattern = /("(?:[^"\\]|\\.)*")|[^.]+/g;
  for (const [key, quoted] of name.matchAll(pattern))
    keys.push(quoted ? (JSON.parse(quoted) as string) : key);
  return keys;
}

/** AWS's printed document: its settings (absent or empty content: no effective policy), or what was unreadable. */
export function parseEffectiveDocument(
  content: string | undefined,
): { settings: EffectiveSettings } | { error: string } {
  const read = printedObject(content);
  if ('empty' in read) return { settings: new Map() };
  if ('error' in read) return read;
  const parsed = read.object;
  const bedrock = parsed[TOP_KEY] ?? {};
  const inference = isRecord(bedrock) ? (bedrock[INFERENCE_KEY] ?? {}) : undefined;
  if (!isRecord(inference))
    return { error: 'the effective policy has no `bedrock.guardrail_inference` object' };
  const settings = new Map<string, string>();
  collect(inference, [...INFERENCE_PATH], settings, 0);
  return { settings };
}

/** The leaves below a node: strings and lists of strings, read through `@@assign` if it is still there. */
function collect(
  node: Record<string, unknown>,
  segments: string[],
  into: Map<string, string>,
  depth: number,
): void {
  if (depth > 4) return;
  for (const [key, raw] of Object.entries(node)) {
    if (key.startsWith('@@')) continue;
    const child = isRecord(raw) && ASSIGN in raw ? raw[ASSIGN] : raw;
    const path = [...segments, key];
    if (typeof child === 'string') into.set(settingName(path), child);
    else if (Array.isArray(child) && child.every((item) => typeof item === 'string')) {
      into.set(settingName(path), printedValue(child as string[]));
    } else if (isRecord(child)) collect(child, path, into, depth + 1);
  }
}

/** The settings whose values differ, by name. */
export function differences(local: EffectiveSettings, aws: EffectiveSettings): SettingDifference[] {
  return settingDifferences(local, aws);
}

export function decidedAt(state: BedrockState, name: string): string | undefined {
  return valueNamed(state, name)?.source?.nodeId;
}

type ChainLink = { policy: AttachedPolicy<ParsedBedrockDocument>; node: OrgNode };

/**
 * AWS's document as an effective state: its values, attributed to our source where the value is ours,
 * else to the deepest policy of the chain that assigns it; the locks stay ours (AWS prints none).
 */
export function awsStateOf(
  local: BedrockState,
  aws: EffectiveSettings,
  chain: readonly ChainLink[],
): BedrockState {
  const values = new Map<string, EffectiveValue>();
  const nodes = new Set(local.nodes);
  for (const [name, text] of aws) {
    const segments: Segments = [...INFERENCE_PATH, ...splitName(name)];
    const ours = valueNamed(local, name);
    const value = valueOfPrinted(text);
    const source =
      ours && printedValue(ours.value) === text ? ours.source : sourceIn(chain, nameOf(segments), text);
    values.set(nameOf(segments), { segments, value, source });
    for (let i = 1; i <= segments.length; i++) nodes.add(nameOf(segments.slice(0, i)));
  }
  return { locks: local.locks, values, nodes };
}

function sourceIn(chain: readonly ChainLink[], node: string, text: string): SettingSource | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const { policy, node: orgNode } = chain[i] as ChainLink;
    const assign = policy.document.leaves.get(node)?.operators.assign;
    if (assign !== undefined && printedValue(assign) === text) {
      return { policyId: policy.id, policyName: policy.name, nodeId: orgNode.id };
    }
  }
  return undefined;
}

/** The setting a validation error's path names (`…guardrail_inference/us-east-1/config_1/identifier`), else `*`. */
export function settingInPath(path: string | undefined): string {
  // Split at each separator; the filter drops the empty keys between two of them and at either end.
  const keys = (path ?? '').split(/[./"[\]]/).filter((key) => key.length > 0);
  const at = keys.indexOf(INFERENCE_KEY);
  return at < 0 || at === keys.length - 1 ? '*' : nameOf(keys.slice(at + 1));
}
