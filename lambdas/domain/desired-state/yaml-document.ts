/**
 * YAML text to a plain value, within DESIRED_STATE_LIMITS, in time linear in the size of the input:
 * - yaml's Parser (a loop with a stack, not recursion) is stopped at the first collection nested
 *   deeper than the limit, before anything is composed: yaml's composer recurses once per level and
 *   overflows the stack near 900 levels, and the parser's cost per level is high (1 MiB of `[`
 *   would take seconds);
 * - the document is composed with `uniqueKeys: false`: yaml's check compares each key with every
 *   earlier key of its mapping (quadratic: 40,000 keys took 16 s). Duplicates are found here, with one
 *   Map per mapping, and reported where they are and where the first one was;
 * - aliases are resolved here, in document order, and the value is built here: yaml's `toJS` looks
 *   each alias up by scanning every anchor and alias before it (quadratic too), and its
 *   `maxAliasCount` refuses a valid file that uses one anchor 101 times. What matters is the size an
 *   alias produces, so each alias counts what it expands to against the entry and depth limits.
 */
import {
  Composer,
  CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  type Pair,
  Parser,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics.ts';
import { echo } from '../echo.ts';
import { DESIRED_STATE_LIMITS } from './limits.ts';

/** The pairs of each mapping by key (as the built value spells it), first occurrence first. */
export type KeyIndex = WeakMap<YAMLMap, Map<string, Pair>>;

export interface ParsedYaml {
  /** Undefined when the nesting is too deep to compose. */
  doc: Document.Parsed | undefined;
  at(offset: number): SourceLocation;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

const { depth: MAX_DEPTH, entries: MAX_ENTRIES } = DESIRED_STATE_LIMITS;
const REAL_FILES = 'a real desired state nests 5 deep and has a few thousand keys and list items at most';

function error(location: SourceLocation, code: string, message: string, hint?: string): Diagnostic {
  return { severity: 'error', code, location, message, ...(hint ? { hint } : {}) };
}

/** Offset of the collection on the parser's stack that is nested deeper than MAX_DEPTH, if any. */
function tooDeepOn(stack: readonly CST.Token[]): number | undefined {
  let depth = 0;
  for (const token of stack) if (CST.isCollection(token) && ++depth > MAX_DEPTH) return token.offset;
  return undefined;
}

/**
 * Lexes and parses `text` into CST tokens, one lexeme at a time, and stops at the first collection
 * nested deeper than MAX_DEPTH: the parser keeps one stack entry per open collection, so the work is
 * bounded however deep the input would go (yaml's own Parser.parse is this loop without the check).
 */
function parseCst(text: string, lines: LineCounter): { tokens: CST.Token[]; tooDeep?: number } {
  const parser = new Parser(lines.addNewLine);
  lines.addNewLine(0);
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    const tooDeep = parser.stack.length > MAX_DEPTH ? tooDeepOn(parser.stack) : undefined;
    if (tooDeep !== undefined) return { tokens, tooDeep };
  }
  for (const token of parser.end()) tokens.push(token);
  return { tokens };
}

const firstLine = (message: string) => message.split('\n')[0] ?? message;

/** Parses one YAML document; refuses, before composing it, one nested deeper than MAX_DEPTH. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const at = (offset: number): SourceLocation => ({ file, ...lines.linePos(offset) });
  const { tokens, tooDeep } = parseCst(text, lines);
  if (tooDeep !== undefined) {
    const message = `mappings and lists nest more than ${MAX_DEPTH} deep here; ${REAL_FILES}`;
    return { doc: undefined, at, errors: [error(at(tooDeep), 'too-deep', message)], warnings: [] };
  }
  const docs = [...new Composer({ uniqueKeys: false }).compose(tokens, true, text.length)];
  const doc = docs[0] as Document.Parsed;
  const errors = doc.errors.map((e) =>
    error(at(e.pos[0]), 'yaml-syntax', `YAML syntax: ${firstLine(e.message)}`),
  );
  const second = docs[1];
  if (second) {
    const message =
      'YAML syntax: the file holds more than one document (a second `---`); a desired state is one';
    errors.push(error(at(second.range[0]), 'yaml-syntax', message));
  }
  const warnings = doc.warnings.map(
    (w): Diagnostic => ({
      severity: 'warning',
      code: 'yaml-warning',
      message: firstLine(w.message),
      location: at(w.pos[0]),
    }),
  );
  return { doc, at, errors, warnings };
}

interface Built {
  value: unknown;
  /** Keys and list items in the node once its aliases are expanded. */
  entries: number;
  /** Collections nested in the node, itself included, once expanded. */
  height: number;
}

const NOTHING: Built = { value: null, entries: 0, height: 0 };

/** Builds the plain value of a composed document, in one pass in document order. */
class ValueBuilder {
  readonly keys: KeyIndex = new WeakMap();
  readonly errors: Diagnostic[] = [];
  /** The latest node of each anchor so far: an alias refers to the last one before it. */
  private readonly anchors = new Map<string, Node>();
  private readonly built = new Map<Node, Built>();
  private entries = 0;
  /** Set once the entry limit is passed: nothing more is built. */
  private stopped = false;

  constructor(private readonly at: (offset: number) => SourceLocation) {}

  private where(node: Node | null | undefined): SourceLocation {
    return this.at(node?.range?.[0] ?? 0);
  }

  /** Counts `added` entries; past MAX_ENTRIES, one error at `node` stops the build. */
  private count(added: number, node: Node | null | undefined, alias: boolean): void {
    this.entries += added;
    if (this.entries <= MAX_ENTRIES || this.stopped) return;
    this.stopped = true;
    const expanded = alias ? ' once its aliases are expanded (this alias takes it over)' : '';
    const message = `the file holds more than ${MAX_ENTRIES.toLocaleString('en-US')} keys and list items${expanded}; ${REAL_FILES}`;
    this.errors.push(error(this.where(node), 'too-many-entries', message));
  }

  build(node: Node | null | undefined, depth: number): Built {
    if (!node || this.stopped) return NOTHING;
    if (isAlias(node)) return this.alias(node.source, node, depth);
    if (node.anchor) this.anchors.set(node.anchor, node);
    const built = isMap(node)
      ? this.map(node, depth)
      : isSeq(node)
        ? this.seq(node, depth)
        : { value: isScalar(node) ? node.value : null, entries: 0, height: 0 };
    this.built.set(node, built);
    return built;
  }

  private alias(source: string, node: Node, depth: number): Built {
    const target = this.anchors.get(source);
    const name = `*${echo(source)}`;
    if (!target) {
      this.errors.push(
        error(this.where(node), 'unknown-anchor', `alias ${name} has no anchor &${echo(source)} before it`),
      );
      return NOTHING;
    }
    const built = this.built.get(target);
    if (!built) {
      this.errors.push(
        error(this.where(node), 'recursive-alias', `alias ${name} is inside the node it refers to`),
      );
      return NOTHING;
    }
    if (depth + built.height > MAX_DEPTH) {
      const message = `alias ${name} nests mappings and lists more than ${MAX_DEPTH} deep once expanded; ${REAL_FILES}`;
      this.errors.push(error(this.where(node), 'too-deep', message));
      return NOTHING;
    }
    this.count(built.entries, node, true);
    return built;
  }

  /** The key as the built object spells it (yaml's own rule: null is "", others String()). */
  private key(pair: Pair, depth: number): string | undefined {
    const key = this.build(pair.key as Node | null, depth + 1);
    if (key.value !== null && typeof key.value === 'object') {
      this.errors.push(
        error(this.where(pair.key as Node), 'complex-key', 'a key must be a name, not a mapping or a list'),
      );
      return undefined;
    }
    return key.value === null ? '' : String(key.value);
  }

  private map(node: YAMLMap, depth: number): Built {
    const object: Record<string, unknown> = {};
    const index = new Map<string, Pair>();
    this.keys.set(node, index);
    let entries = 0;
    let height = 0;
    for (const pair of node.items) {
      if (this.stopped) break;
      this.count(1, (pair.key ?? pair.value) as Node | null, false);
      const key = this.key(pair, depth);
      const value = this.build(pair.value as Node | null, depth + 1);
      entries += 1 + value.entries;
      height = Math.max(height, value.height);
      if (key === undefined) continue;
      const first = index.get(key);
      if (first) {
        this.duplicate(key, pair, first);
        continue;
      }
      index.set(key, pair);
      // defineProperty: a key named __proto__ is data, never the object's prototype.
      Object.defineProperty(object, key, {
        value: value.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { value: object, entries, height: height + 1 };
  }

  private duplicate(key: string, pair: Pair, first: Pair): void {
    const was = this.where(first.key as Node);
    this.errors.push(
      error(
        this.where(pair.key as Node),
        'duplicate-key',
        `duplicate key \`${echo(key)}\` (first at line ${was.line}, column ${was.col}); keys of a mapping are unique`,
        'remove one, or merge the two',
      ),
    );
  }

  private seq(node: YAMLSeq, depth: number): Built {
    const array: unknown[] = [];
    let entries = 0;
    let height = 0;
    for (const item of node.items) {
      if (this.stopped) break;
      this.count(1, item as Node | null, false);
      const value = this.build(item as Node | null, depth + 1);
      entries += 1 + value.entries;
      height = Math.max(height, value.height);
      array.push(value.value);
    }
    return { value: array, entries, height: height + 1 };
  }
}

export interface YamlValue {
  value: unknown;
  keys: KeyIndex;
  errors: Diagnostic[];
}

/** The plain value of `doc` (shared objects where aliases repeat a node), with its key index. */
export function yamlValue(doc: Document.Parsed, at: (offset: number) => SourceLocation): YamlValue {
  const builder = new ValueBuilder(at);
  const { value } = builder.build(doc.contents as Node | null, 0);
  return { value, keys: builder.keys, errors: builder.errors };
}
