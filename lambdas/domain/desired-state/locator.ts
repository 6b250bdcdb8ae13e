/**
 * Where a value of the desired state is in the file: paths into the built value, the YAML node at a
 * path (for `file:line:col`), and how paths and values are quoted in messages.
 */
import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { SourceLocation } from '../diagnostics.ts';
import { echo } from '../echo.ts';
import type { KeyIndex } from './yaml-document.ts';

/** Keys and list indexes from the top of the file: `['policies', 0, 'targets', 1]`. */
export type Path = readonly (string | number)[];

/** `policies[0].targets[1]`; `(top level)` for the empty path. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${echo(part, 100)}` : echo(part, 100);
  return out || '(top level)';
}

/** A value quoted in a message, cut by `echo` when long. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `\`${echo(value)}\``;
  if (value === undefined) return 'nothing';
  return `\`${echo(JSON.stringify(value) ?? String(value))}\``;
}

/** The value at `path` of a built value, or undefined. */
export function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** Finds the node at a path of the built value, in constant time per step (through the key index). */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly keys: KeyIndex,
    readonly at: (offset: number) => SourceLocation,
    private readonly text: string,
  ) {}

  /** The node at `path`; an alias ends the walk (a path through it is located at the alias). */
  node(path: Path): Node | undefined {
    let node = (this.doc.contents as Node | null) ?? undefined;
    for (const part of path) {
      if (isMap(node)) node = (this.keys.get(node)?.get(String(part))?.value as Node | null) ?? undefined;
      else if (isSeq(node) && typeof part === 'number') node = (node.items[part] as Node | null) ?? undefined;
      else return undefined;
    }
    return node;
  }

  /** The node at `path`, or the nearest ancestor that exists. */
  value(path: Path): SourceLocation {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.node(path.slice(0, depth));
      if (node?.range) return this.at(node.range[0]);
    }
    return this.at(0);
  }

  /** The key `key` of the mapping at `path`. */
  key(path: Path, key: string): SourceLocation {
    const map = this.node(path);
    const range = isMap(map) ? (this.keys.get(map)?.get(key)?.key as Node | undefined)?.range : undefined;
    return range ? this.at(range[0]) : this.value(path);
  }

  /** Where `character` is typed in the scalar at `path`; the scalar's start when it is written as an escape. */
  character(path: Path, character: string): SourceLocation {
    const range = this.node(path)?.range;
    if (!range) return this.value(path);
    const index = this.text.slice(range[0], range[1]).indexOf(character);
    return this.at(range[0] + Math.max(0, index));
  }

  /** The original text of a scalar, for messages that quote what the user typed. */
  source(path: Path): string | undefined {
    const node = this.node(path);
    if (isScalar(node)) return (node as { source?: string }).source ?? String(node.value);
    return undefined;
  }
}
