/**
 * The OU tree as inline SVG for the HTML report: a top-down tree (each leaf gets a column, a parent sits
 * above the middle of its children), one box per root or OU with its account counts, non-compliant
 * boxes in red with the `noncompliant` class. Names are escaped here.
 */
import type { NodeSummary } from '../planner/schema.ts';
import { graphNodes, nodeCounts } from './common.ts';
import { escapeHtml } from './escape.ts';

const BOX = { width: 210, height: 50, gapX: 16, gapY: 44, margin: 12 } as const;
const MAX_LABEL = 26;

interface Placed {
  node: NodeSummary;
  x: number;
  depth: number;
}

/** Columns by leaf order (depth first, children in the order given), depth by generation. */
function layout(nodes: readonly NodeSummary[]): Placed[] {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string, NodeSummary[]>();
  const roots: NodeSummary[] = [];
  for (const node of nodes) {
    if (node.parentId && ids.has(node.parentId)) {
      const siblings = children.get(node.parentId) ?? [];
      siblings.push(node);
      children.set(node.parentId, siblings);
    } else roots.push(node);
  }
  const placed: Placed[] = [];
  let column = 0;
  const place = (node: NodeSummary, depth: number): number => {
    const kids = children.get(node.id) ?? [];
    const xs = kids.map((kid) => place(kid, depth + 1));
    const x = xs.length === 0 ? column++ : ((xs[0] as number) + (xs[xs.length - 1] as number)) / 2;
    placed.push({ node, x, depth });
    return x;
  };
  for (const root of roots) place(root, 0);
  return placed;
}

function shorten(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

const left = (p: Placed) => BOX.margin + p.x * (BOX.width + BOX.gapX);
const top = (p: Placed) => BOX.margin + p.depth * (BOX.height + BOX.gapY);

function box(p: Placed): string {
  const { node } = p;
  const kind = node.nonCompliant > 0 ? 'noncompliant' : node.accounts > 0 ? 'compliant' : 'empty';
  const counts = nodeCounts(node) || 'no accounts directly here';
  const [x, y] = [left(p), top(p)];
  return [
    `<g class="node ${kind}" data-id="${escapeHtml(node.id)}">`,
    `<title>${escapeHtml(`${node.path} (${node.id}): ${counts}`)}</title>`,
    `<rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="6"/>`,
    `<text x="${x + BOX.width / 2}" y="${y + 21}" class="name">${escapeHtml(shorten(node.name))}</text>`,
    `<text x="${x + BOX.width / 2}" y="${y + 38}" class="counts">${escapeHtml(counts)}</text>`,
    '</g>',
  ].join('');
}

function edge(parent: Placed, child: Placed): string {
  const x1 = left(parent) + BOX.width / 2;
  const y1 = top(parent) + BOX.height;
  const x2 = left(child) + BOX.width / 2;
  const y2 = top(child);
  const mid = y1 + BOX.gapY / 2;
  return `<path class="edge" d="M${x1} ${y1}V${mid}H${x2}V${y2}"/>`;
}

/** The tree as an `<svg>` element, and how many compliant OUs were left out to keep it readable. */
export function renderSvgTree(
  nodes: readonly NodeSummary[],
  maxNodes = 150,
): { svg: string; omitted: number } {
  const { shown, omitted } = graphNodes(nodes, maxNodes);
  const placed = layout(shown);
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const columns = Math.max(1, ...placed.map((p) => p.x + 1));
  const depth = Math.max(0, ...placed.map((p) => p.depth));
  const width = 2 * BOX.margin + columns * BOX.width + (columns - 1) * BOX.gapX;
  const height = 2 * BOX.margin + (depth + 1) * BOX.height + depth * BOX.gapY;
  const edges = placed.flatMap((p) => {
    const parent = p.node.parentId ? byId.get(p.node.parentId) : undefined;
    return parent ? [edge(parent, p)] : [];
  });
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="tree" role="img" aria-label="Organization tree" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    ...edges,
    ...placed.map(box),
    '</svg>',
  ].join('\n');
  return { svg, omitted };
}
