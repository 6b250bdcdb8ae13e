/** Summaries and tables the benches print. */

/** Minimum, median and 90th percentile (nearest rank). */
export function stats(values: number[]): { min: number; median: number; p90: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  return { min: sorted[0] as number, median: at(0.5), p90: at(0.9) };
}

export const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
/** Rows as aligned columns: the first left-aligned, the rest right-aligned. */
export const pad = (rows: string[][]) => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
};
