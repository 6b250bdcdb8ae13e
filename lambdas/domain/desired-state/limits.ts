/**
 * What a desired-state file may hold. Each limit is far above what a real file needs (the example
 * config has 37 keys and list items, nested 5 deep) and bounds the work of reading any input: the
 * slowest file within them takes about 2 s (docs/configuration.md, "Limits"; `npm run bench:hostile`).
 */
export const DESIRED_STATE_LIMITS = {
  /** Bytes: the pipeline reads at most this from the artifact, the CLI at most this from disk. */
  bytes: 1024 * 1024,
  /**
   * Keys and list items, counting what aliases expand to. A policy with 5 targets is about 14;
   * 1,000 policies (the AWS quota, [ORG-QUOTA-AI-POLICIES-PER-ORG]) with a few targets each stay under 20,000.
   */
  entries: 100_000,
  /** Mappings and lists inside one another, through aliases too (a real file nests 5 deep). */
  depth: 32,
} as const;

export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
