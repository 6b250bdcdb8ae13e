/**
 * Names of the nodes of a Bedrock policy document. A node is named by its keys from the top, joined by
 * dots (`bedrock.guardrail_inference.us-east-1.config_1.identifier`); a key that is not plain letters,
 * digits, `_` and `-` is written as a JSON string, so no two paths share a name whatever keys a
 * hand-written document uses. A setting (what reports list) is named from its Region down
 * (`us-east-1.config_1.identifier`).
 */
import { INFERENCE_KEY, TOP_KEY } from './syntax.ts';

export type Segments = readonly string[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

export function nameOf(segments: Segments): string {
  return segments.map((key) => (PLAIN_KEY.test(key) ? key : JSON.stringify(key))).join('.');
}

/** The names of a node and of each node above it, top first. */
export function prefixNames(segments: Segments): string[] {
  return segments.map((_, i) => nameOf(segments.slice(0, i + 1)));
}

/** The keys above the Regions: `bedrock.guardrail_inference`. */
export const INFERENCE_PATH: Segments = [TOP_KEY, INFERENCE_KEY];

/** A setting's name in reports: its path below `guardrail_inference`. */
export function settingName(segments: Segments): string {
  return nameOf(segments.slice(INFERENCE_PATH.length));
}

/** The Region a setting is under, if the path reaches one. */
export function regionOf(segments: Segments): string | undefined {
  return segments[INFERENCE_PATH.length];
}
