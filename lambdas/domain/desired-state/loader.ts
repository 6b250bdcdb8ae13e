/**
 * Loads `ai-optout.yaml`: YAML parse, the schema, then the checks a schema cannot express (references
 * between parts of the file, AWS limits, rendered size). Every problem is a diagnostic with
 * `file:line:col`, the offending value and what is allowed; nothing here throws on bad input.
 */
import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { core } from 'zod';
import type { Diagnostic, Severity, SourceLocation } from '../diagnostics.ts';
import { hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { echo } from '../echo.ts';
import { MAX_POLICIES_PER_TARGET, MAX_POLICY_DOCUMENT_CHARS, type TargetRef } from '../model.ts';
import { documentTooLong, renderPolicyDocument } from '../policy-document.ts';
import {
  isKnownServiceKey,
  KNOWN_SERVICE_KEYS,
  SERVICE_KEY_PATTERN,
  SERVICE_KEYS_AS_OF,
} from '../service-keys.ts';
import { closest, didYouMean } from '../suggest.ts';
import { describeCharacter, firstNonNameCharacter, unpairedSurrogate } from './aws-text.ts';
import {
  type DesiredStateDocument,
  DesiredStateSchema,
  ExceptionSchema,
  ExpectSchema,
  PolicySchema,
} from './schema.ts';
import { decodeSourceText, type SourceText, textTooLarge } from './source-text.ts';
import {
  DEFAULT_POLICY_DESCRIPTION,
  type DesiredPolicy,
  type DesiredState,
  type ExpectException,
  type LocatedTarget,
} from './types.ts';
import { type KeyIndex, parseYaml, yamlValue } from './yaml-document.ts';

export interface LoadOptions {
  /** Name used in diagnostics, normally the path the user gave. */
  file: string;
  /** Unknown service keys become errors. */
  strict?: boolean;
}

export type LoadResult =
  | { ok: true; state: DesiredState; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

type Path = readonly (string | number)[];

const ROOT_KEYS = Object.keys(DesiredStateSchema.shape);
const POLICY_KEYS = Object.keys(PolicySchema.shape);
const EXPECT_KEYS = Object.keys(ExpectSchema.shape);
const EXCEPTION_KEYS = Object.keys(ExceptionSchema.shape);
const TARGET_KEYS = ['ou', 'account'];
const TARGET_FORMS = '`root`, `ou: <path or id>` or `account: <id or name>`';

/** Keys allowed in the mapping at `path`, for "did you mean" hints. */
function allowedKeysAt(path: Path): string[] {
  if (path.length === 0) return ROOT_KEYS;
  if (path[0] === 'policies' && path.length === 2) return POLICY_KEYS;
  if (path[0] === 'policies' && path[2] === 'targets') return TARGET_KEYS;
  if (path[0] === 'expect' && path.length === 1) return EXPECT_KEYS;
  if (path[0] === 'expect' && path[1] === 'except') return EXCEPTION_KEYS;
  return [];
}

export function formatPath(path: Path): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${echo(part, 100)}` : echo(part, 100);
  return out || '(top level)';
}

/** A value quoted in a message, cut by `echo` when long. */
function show(value: unknown): string {
  if (typeof value === 'string') return `\`${echo(value)}\``;
  if (value === undefined) return 'nothing';
  return `\`${echo(JSON.stringify(value) ?? String(value))}\``;
}

/** Finds the node at a path of the built value, in constant time per step (through the key index). */
class Locator {
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

interface Context {
  locate: Locator;
  js: unknown;
  diagnostics: Diagnostic[];
  strict: boolean;
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function push(
  ctx: Context,
  severity: Severity,
  code: string,
  location: SourceLocation,
  message: string,
  hint?: string,
): void {
  ctx.diagnostics.push({ severity, code, location, message, ...(hint ? { hint } : {}) });
}

function unquotedAccountId(ctx: Context, path: Path, value: number): void {
  const typed = echo(ctx.locate.source(path) ?? String(value));
  const dropped = typed.startsWith('0') ? ' and drops its leading zero' : '';
  push(
    ctx,
    'error',
    'unquoted-account-id',
    ctx.locate.value(path),
    `${formatPath(path)}: account ids must be quoted strings (YAML reads ${typed} as a number${dropped})`,
    `write \`account: "${typed}"\``,
  );
}

function describeTargetProblem(ctx: Context, path: Path): void {
  const value = valueAt(ctx.js, path);
  const where = formatPath(path);
  if (typeof value === 'string') {
    if (value.toLowerCase() === 'root') {
      push(
        ctx,
        'error',
        'invalid-target',
        ctx.locate.value(path),
        `${where}: ${show(value)} is not a target`,
        'did you mean `root`?',
      );
      return;
    }
    const hint = /^\d{12}$/.test(value)
      ? `write \`account: "${value}"\``
      : `write \`ou: ${echo(value)}\` or \`account: ${echo(value)}\``;
    push(
      ctx,
      'error',
      'invalid-target',
      ctx.locate.value(path),
      `${where}: ${show(value)} is not a target; a target is ${TARGET_FORMS}`,
      hint,
    );
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const unknown = keys.filter((k) => !TARGET_KEYS.includes(k));
    for (const key of unknown) {
      push(
        ctx,
        'error',
        'unknown-key',
        ctx.locate.key(path, key),
        `${where}: unknown key ${show(key)} in a target; a target is ${TARGET_FORMS}`,
        didYouMean(key, TARGET_KEYS),
      );
    }
    if (unknown.length > 0) return;
    if (keys.length !== 1) {
      push(
        ctx,
        'error',
        'invalid-target',
        ctx.locate.value(path),
        `${where}: a target names exactly one of \`ou\` or \`account\`, this one has ${keys.length === 0 ? 'none' : keys.join(' and ')}`,
      );
      return;
    }
    const key = keys[0] as string;
    const inner = (value as Record<string, unknown>)[key];
    if (key === 'account' && typeof inner === 'number') {
      unquotedAccountId(ctx, [...path, key], inner);
      return;
    }
    push(
      ctx,
      'error',
      'invalid-target',
      ctx.locate.value([...path, key]),
      `${where}.${key}: must be a non-empty string, not ${show(inner)}`,
    );
    return;
  }
  const typed = ctx.locate.source(path) ?? String(value);
  push(
    ctx,
    'error',
    'invalid-target',
    ctx.locate.value(path),
    `${where}: ${show(value)} is not a target; a target is ${TARGET_FORMS}`,
    typeof value === 'number' && /^\d{12}$/.test(typed) ? `write \`account: "${typed}"\`` : undefined,
  );
}

function issueToDiagnostics(ctx: Context, issue: core.$ZodIssue): void {
  const path = issue.path as Path;
  const where = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, allowed);
        const hint = suggestion ?? (allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : undefined);
        const inWhat = path.length === 0 ? 'at the top level' : `in ${where}`;
        push(
          ctx,
          'error',
          'unknown-key',
          ctx.locate.key(path, key),
          `unknown key ${show(key)} ${inWhat}`,
          hint,
        );
      }
      return;
    }
    case 'invalid_value': {
      const value = valueAt(ctx.js, path);
      if (path.length === 1 && path[0] === 'version') {
        const quoted = typeof value === 'string';
        push(
          ctx,
          'error',
          'unsupported-version',
          ctx.locate.value(path),
          quoted
            ? `version: ${echo(JSON.stringify(value))} is a string; this tool reads version 1, the integer`
            : `version: unsupported version ${show(ctx.locate.source(path) ?? value)}; this tool reads version 1`,
          quoted ? 'write `version: 1` without quotes' : 'write `version: 1`',
        );
        return;
      }
      const allowed = issue.values.map(String);
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
      push(
        ctx,
        'error',
        'invalid-value',
        ctx.locate.value(path),
        `${where}: ${show(value)} is not allowed; expected ${allowed.map((v) => `\`${v}\``).join(' or ')} (values are case-sensitive)`,
        suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      );
      return;
    }
    case 'invalid_type': {
      const value = valueAt(ctx.js, path);
      if (value === undefined) {
        const parent = path.slice(0, -1);
        const key = String(path[path.length - 1]);
        const siblings = valueAt(ctx.js, parent);
        const allowed = allowedKeysAt(parent);
        const misspelt =
          siblings !== null && typeof siblings === 'object'
            ? Object.keys(siblings).some((k) => !allowed.includes(k) && closest(k, [key]) === key)
            : false;
        // A misspelt key already has its own error with a "did you mean" for this key.
        if (misspelt) return;
        const inWhat = parent.length === 0 ? 'at the top level' : `in ${formatPath(parent)}`;
        push(
          ctx,
          'error',
          'missing-key',
          ctx.locate.value(parent),
          `missing required key ${show(key)} ${inWhat}`,
        );
        return;
      }
      if (path[path.length - 1] === 'account' && typeof value === 'number') {
        unquotedAccountId(ctx, path, value);
        return;
      }
      const actual = value === null ? 'empty' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
      const expected =
        issue.expected === 'array'
          ? 'a list'
          : issue.expected === 'object' || issue.expected === 'record'
            ? 'a mapping'
            : `a ${issue.expected}`;
      push(
        ctx,
        'error',
        'invalid-type',
        ctx.locate.value(path),
        `${where}: must be ${expected}, not ${actual} (${show(value)})`,
      );
      return;
    }
    case 'too_small': {
      const isList = issue.origin === 'array';
      const last = String(path[path.length - 1] ?? '');
      const noun =
        { policies: 'policy', targets: 'target', services: 'service', optOut: 'service' }[last] ?? 'item';
      const message = isList ? `${where}: must list at least one ${noun}` : `${where}: must not be empty`;
      push(ctx, 'error', 'too-small', ctx.locate.value(path), message);
      return;
    }
    case 'too_big':
      tooLong(ctx, path, Number(issue.maximum));
      return;
    case 'invalid_format':
    case 'custom':
      notAwsText(ctx, path, issue.message);
      return;
    case 'invalid_union': {
      if (path[0] === 'policies' && path[2] === 'targets') {
        describeTargetProblem(ctx, path);
        return;
      }
      if (path[0] === 'expect' && path[1] === 'optOut') {
        push(
          ctx,
          'error',
          'invalid-value',
          ctx.locate.value(path),
          `expect.optOut: ${show(valueAt(ctx.js, path))} is not allowed; expected \`all\` or a list of service keys`,
        );
        return;
      }
      push(ctx, 'error', 'invalid-value', ctx.locate.value(path), `${where}: ${issue.message}`);
      return;
    }
    default:
      push(ctx, 'error', 'invalid-value', ctx.locate.value(path), `${where}: ${issue.message}`);
  }
}

function tooLong(ctx: Context, path: Path, maximum: number): void {
  const value = valueAt(ctx.js, path);
  const length = typeof value === 'string' ? value.length : undefined;
  const message = `${formatPath(path)}: ${length ?? 'value'} characters, more than the ${maximum} AWS allows`;
  push(ctx, 'error', 'too-long', ctx.locate.value(path), message);
}

/** A name with a character CreatePolicy refuses, or a description that is not Unicode text (aws-text.ts). */
function notAwsText(ctx: Context, path: Path, fallback: string): void {
  const value = String(valueAt(ctx.js, path) ?? '');
  const where = formatPath(path);
  const field = path[path.length - 1];
  if (field !== 'name' && field !== 'description') {
    push(ctx, 'error', 'invalid-value', ctx.locate.value(path), `${where}: ${fallback}`);
    return;
  }
  if (field === 'name') {
    const bad = firstNonNameCharacter(value) ?? { index: 0, character: value.charAt(0) };
    push(
      ctx,
      'error',
      'invalid-policy-name',
      ctx.locate.character(path, bad.character),
      `${where}: ${show(value)} has ${describeCharacter(bad.character)} at position ${bad.index + 1}; AWS accepts policy names of printable ASCII characters only (space to \`~\`)`,
      'write the name in ASCII letters, digits and punctuation; the description may hold any text',
    );
    return;
  }
  const index = Math.max(0, unpairedSurrogate(value));
  push(
    ctx,
    'error',
    'invalid-description',
    ctx.locate.value(path),
    `${where}: has ${describeCharacter(value.charAt(index))} at position ${index + 1}, half of a surrogate pair, which is not text AWS can store`,
    'remove the `\\u` escape, or write the character itself',
  );
}

function checkServiceKey(ctx: Context, key: string, location: SourceLocation, where: string): void {
  if (key === 'default') {
    push(
      ctx,
      'error',
      'default-under-services',
      location,
      `${where}: \`default\` is not a service key here`,
      "set it with the policy's own `default:` key",
    );
    return;
  }
  if (!SERVICE_KEY_PATTERN.test(key)) {
    const lower = key.toLowerCase();
    const hint = SERVICE_KEY_PATTERN.test(lower) ? `did you mean \`${echo(lower)}\`?` : undefined;
    push(
      ctx,
      'error',
      'invalid-service-key',
      location,
      `${where}: service key ${show(key)} is not valid; service keys are lower-case letters and digits (AWS matches them exactly)`,
      hint,
    );
    return;
  }
  if (!isKnownServiceKey(key)) {
    const hint =
      didYouMean(key, KNOWN_SERVICE_KEYS) ??
      `known keys as of ${SERVICE_KEYS_AS_OF}: ${KNOWN_SERVICE_KEYS.join(', ')}`;
    push(
      ctx,
      ctx.strict ? 'error' : 'warning',
      'unknown-service-key',
      location,
      `${where}: service key ${show(key)} is not in the known list`,
      hint,
    );
  }
}

function toTargetRef(
  ctx: Context,
  raw: DesiredStateDocument['policies'][number]['targets'][number],
  path: Path,
): TargetRef | undefined {
  if (raw === 'root') return { kind: 'root' };
  if ('ou' in raw) return { kind: 'ou', ref: raw.ou.trim() };
  const ref = raw.account.trim();
  if (/^\d+$/.test(ref) && ref.length !== 12) {
    push(
      ctx,
      'error',
      'invalid-account-id',
      ctx.locate.value([...path, 'account']),
      `${formatPath(path)}.account: ${show(ref)} has ${ref.length} digits; account ids have 12`,
    );
    return undefined;
  }
  return { kind: 'account', ref };
}

/** A key that two spellings of the same target share (`ou: Root/Sandbox` and `ou: Sandbox`). */
export function targetKey(ref: TargetRef): string {
  if (ref.kind === 'root') return 'root';
  if (ref.kind === 'account') return `account:${ref.ref}`;
  return `ou:${ref.ref.replace(/^\/+|\/+$/g, '').replace(/^Root\//, '')}`;
}

function semanticChecks(ctx: Context, doc: DesiredStateDocument, file: string): DesiredState {
  const policies: DesiredPolicy[] = [];
  const firstByName = new Map<string, number>();
  const policiesByTarget = new Map<string, { count: number; names: string[] }>();

  doc.policies.forEach((raw, index) => {
    const path: Path = ['policies', index];
    const name = raw.name;
    const location = ctx.locate.value([...path, 'name']);
    const previous = firstByName.get(name);
    if (previous !== undefined) {
      const first = ctx.locate.value(['policies', previous, 'name']);
      push(
        ctx,
        'error',
        'duplicate-policy-name',
        location,
        `policies[${index}].name: duplicate policy name ${show(name)} (first declared at line ${first.line})`,
        'policy names are unique in an organization; rename one',
      );
    } else firstByName.set(name, index);

    const services = raw.services ?? {};
    if (raw.default === undefined && Object.keys(services).length === 0) {
      push(
        ctx,
        'error',
        'empty-policy',
        ctx.locate.key(path, 'name'),
        `policies[${index}] (${name}): sets neither \`default\` nor any entry in \`services\``,
        'add `default: optOut` or at least one service',
      );
    }
    for (const key of Object.keys(services)) {
      checkServiceKey(ctx, key, ctx.locate.key([...path, 'services'], key), `policies[${index}].services`);
    }

    const seen = new Map<string, number>();
    const targets: LocatedTarget[] = [];
    raw.targets.forEach((rawTarget, targetIndex) => {
      const targetPath: Path = [...path, 'targets', targetIndex];
      const ref = toTargetRef(ctx, rawTarget, targetPath);
      if (!ref) return;
      const key = targetKey(ref);
      const targetLocation = ctx.locate.value(targetPath);
      const duplicateOf = seen.get(key);
      if (duplicateOf !== undefined) {
        push(
          ctx,
          'error',
          'duplicate-target',
          targetLocation,
          `${formatPath(targetPath)}: duplicate target (same as targets[${duplicateOf}]) in policy ${show(name)}`,
        );
        return;
      }
      seen.set(key, targetIndex);
      targets.push({ ref, location: targetLocation });
      const entry = policiesByTarget.get(key) ?? { count: 0, names: [] };
      entry.count++;
      entry.names.push(name);
      policiesByTarget.set(key, entry);
      if (entry.count === MAX_POLICIES_PER_TARGET + 1) {
        push(
          ctx,
          'error',
          'too-many-policies-on-target',
          targetLocation,
          `${formatPath(targetPath)}: ${entry.count} policies target ${echo(key.replace(':', ': '))} (${entry.names.map((n) => echo(n, 100)).join(', ')}); AWS allows at most ${MAX_POLICIES_PER_TARGET} AI opt-out policies on one root, OU or account`,
          'merge policies or move some to other targets',
        );
      }
    });

    const content = renderPolicyDocument({ default: raw.default, services, lock: raw.lock });
    if (documentTooLong(content)) {
      push(
        ctx,
        'error',
        'document-too-long',
        ctx.locate.key(path, 'name'),
        `policies[${index}] (${name}): the rendered document has ${content.length} characters, more than the ${MAX_POLICY_DOCUMENT_CHARS} AWS allows`,
        'split the services over two policies, or rely on `default` for most of them',
      );
    }
    policies.push({
      name,
      description: raw.description ?? DEFAULT_POLICY_DESCRIPTION,
      default: raw.default,
      services,
      lock: raw.lock,
      adopt: raw.adopt,
      targets,
      content,
      location,
    });
  });

  let expect: DesiredState['expect'];
  if (doc.expect) {
    const expectPath: Path = ['expect'];
    if (Array.isArray(doc.expect.optOut)) {
      doc.expect.optOut.forEach((key, i) => {
        if (key !== 'default')
          checkServiceKey(ctx, key, ctx.locate.value([...expectPath, 'optOut', i]), 'expect.optOut');
      });
    }
    const except: ExpectException[] = [];
    (doc.expect.except ?? []).forEach((raw, i) => {
      const path: Path = ['expect', 'except', i];
      const forms = [
        raw.root ? 'root' : undefined,
        raw.ou !== undefined ? 'ou' : undefined,
        raw.account !== undefined ? 'account' : undefined,
      ].filter(Boolean);
      if (forms.length !== 1) {
        push(
          ctx,
          'error',
          'invalid-exception',
          ctx.locate.value(path),
          `${formatPath(path)}: an exception names exactly one of \`root: true\`, \`ou:\` or \`account:\`${forms.length > 1 ? `, this one has ${forms.join(' and ')}` : ''}`,
        );
        return;
      }
      raw.services.forEach((key, j) => {
        if (key !== 'default')
          checkServiceKey(
            ctx,
            key,
            ctx.locate.value([...path, 'services', j]),
            `${formatPath(path)}.services`,
          );
      });
      const ref: TargetRef | undefined = raw.root
        ? { kind: 'root' }
        : raw.ou !== undefined
          ? { kind: 'ou', ref: raw.ou.trim() }
          : toTargetRef(ctx, { account: raw.account ?? '' }, path);
      if (ref) except.push({ target: { ref, location: ctx.locate.value(path) }, services: raw.services });
    });
    expect = { optOut: doc.expect.optOut, except, location: ctx.locate.key([], 'expect') };
  }

  return { version: 1, mode: doc.mode, unmanaged: doc.unmanaged, policies, expect, file };
}

function emptyFile(file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'empty-file',
    message: 'the file is empty',
    hint: 'start with `version: 1` and a `policies:` list',
    location: { file, line: 1, col: 1 },
  };
}

/** The text of `input`, or the diagnostic that stops reading it (too large, not UTF-8). */
function sourceText(input: string | Uint8Array, file: string): SourceText {
  if (typeof input !== 'string') return decodeSourceText(input, file);
  const tooLarge = textTooLarge(input, file);
  return tooLarge ? { ok: false, diagnostic: tooLarge } : { ok: true, text: input };
}

/**
 * Parses and validates an `ai-optout.yaml`, from its bytes (as read from disk or from a zip: checked
 * for size and UTF-8) or its text. Linear in the size of the input (see yaml-document.ts).
 */
export function loadDesiredState(input: string | Uint8Array, options: LoadOptions): LoadResult {
  const source = sourceText(input, options.file);
  if (!source.ok) return { ok: false, diagnostics: [source.diagnostic] };
  const parsed = parseYaml(source.text, options.file);
  if (!parsed.doc || parsed.errors.length > 0) return { ok: false, diagnostics: parsed.errors };
  const diagnostics = [...parsed.warnings];
  if (parsed.doc.contents === null)
    return { ok: false, diagnostics: [...diagnostics, emptyFile(options.file)] };
  const built = yamlValue(parsed.doc, parsed.at);
  if (built.errors.length > 0)
    return { ok: false, diagnostics: sortDiagnostics([...built.errors, ...diagnostics]) };
  const locate = new Locator(parsed.doc, built.keys, parsed.at, source.text);
  const ctx: Context = { locate, js: built.value, diagnostics, strict: options.strict ?? false };
  const result = DesiredStateSchema.safeParse(built.value);
  if (!result.success) {
    for (const issue of result.error.issues) issueToDiagnostics(ctx, issue);
    return { ok: false, diagnostics: sortDiagnostics(diagnostics) };
  }
  const state = semanticChecks(ctx, result.data, options.file);
  const sorted = sortDiagnostics(diagnostics);
  return hasErrors(sorted) ? { ok: false, diagnostics: sorted } : { ok: true, state, diagnostics: sorted };
}
