/**
 * The schema's issues as diagnostics: one message per issue, said for what the user wrote (the value,
 * its line and column, what is allowed, a "did you mean" where one is close).
 */
import type { core } from 'zod';
import { echo } from '../echo.ts';
import { closest, didYouMean } from '../suggest.ts';
import { describeCharacter, firstNonNameCharacter, unpairedSurrogate } from './aws-text.ts';
import { addError, type CheckContext } from './check-context.ts';
import { formatPath, type Path, show, valueAt } from './locator.ts';
import { DesiredStateSchema } from './schema.ts';
import { describeTargetProblem, TARGET_KEYS, unquotedAccountId } from './target-checks.ts';

/** Keys allowed in the mapping at `path`, for "did you mean" hints: the schema's keys there, or a target's. */
function allowedKeysAt(path: Path): string[] {
  return isTargetPath(path) ? TARGET_KEYS : keysOfSchemaAt(DesiredStateSchema, path);
}

/** A target of a policy (`policies[0].targets[1]`, `bedrock.policies[0].targets[1]`) or of a rule (`…target`). */
function isTargetPath(path: Path): boolean {
  const at = path.lastIndexOf('targets');
  return (at >= 0 && at === path.length - 2) || path[path.length - 1] === 'target';
}

type SchemaDef = { type: string; shape?: Record<string, { def: SchemaDef }>; [key: string]: unknown };

/** The keys of the object the schema describes at `path` (through lists, maps, optional and default values). */
function keysOfSchemaAt(schema: { def: unknown }, path: Path): string[] {
  let def = schema.def as SchemaDef;
  const unwrap = () => {
    while (def.type === 'optional' || def.type === 'default') def = (def.innerType as { def: SchemaDef }).def;
  };
  for (const part of path) {
    unwrap();
    if (def.type === 'object' && typeof part === 'string')
      def = (def.shape?.[part]?.def ?? { type: 'none' }) as SchemaDef;
    else if (def.type === 'array') def = (def.element as { def: SchemaDef }).def;
    else if (def.type === 'record') def = (def.valueType as { def: SchemaDef }).def;
    else return [];
  }
  unwrap();
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function inWhat(path: Path): string {
  return path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
}

export function issueToDiagnostics(ctx: CheckContext, issue: core.$ZodIssue): void {
  const path = issue.path as Path;
  switch (issue.code) {
    case 'unrecognized_keys':
      unknownKeys(ctx, path, issue.keys);
      break;
    case 'invalid_value':
      invalidValue(ctx, path, issue.values);
      break;
    case 'invalid_type':
      invalidType(ctx, path, issue.expected);
      break;
    case 'too_small':
      if (issue.origin === 'number') tooLow(ctx, path, Number(issue.minimum));
      else tooSmall(ctx, path, issue.origin === 'array');
      break;
    case 'too_big':
      tooLong(ctx, path, Number(issue.maximum));
      break;
    case 'invalid_format':
    case 'custom':
      notAwsText(ctx, path, issue.message);
      break;
    case 'invalid_union':
      invalidUnion(ctx, path, issue.message);
      break;
    default:
      addError(ctx, 'invalid-value', ctx.locate.value(path), `${formatPath(path)}: ${issue.message}`);
  }
}

function unknownKeys(ctx: CheckContext, path: Path, keys: readonly string[]): void {
  const allowed = allowedKeysAt(path);
  for (const key of keys) {
    const suggestion = didYouMean(key, allowed);
    const hint = suggestion ?? (allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : undefined);
    addError(ctx, 'unknown-key', ctx.locate.key(path, key), `unknown key ${show(key)} ${inWhat(path)}`, hint);
  }
}

function invalidValue(ctx: CheckContext, path: Path, values: readonly unknown[]): void {
  const value = valueAt(ctx.js, path);
  if (path.length === 1 && path[0] === 'version') {
    unsupportedVersion(ctx, path, value);
    return;
  }
  const allowed = values.map(String);
  const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined;
  addError(
    ctx,
    'invalid-value',
    ctx.locate.value(path),
    `${formatPath(path)}: ${show(value)} is not allowed; expected ${allowed.map((v) => `\`${v}\``).join(' or ')} (values are case-sensitive)`,
    suggestion ? `did you mean \`${suggestion}\`?` : undefined,
  );
}

function unsupportedVersion(ctx: CheckContext, path: Path, value: unknown): void {
  if (value === undefined) {
    const message = 'version: missing; this tool reads version 1';
    addError(ctx, 'missing-key', ctx.locate.value([]), message, 'write `version: 1` as the first line');
    return;
  }
  const quoted = typeof value === 'string';
  addError(
    ctx,
    'unsupported-version',
    ctx.locate.value(path),
    quoted
      ? `version: ${echo(JSON.stringify(value))} is a string; this tool reads version 1, the integer`
      : `version: unsupported version ${show(ctx.locate.source(path) ?? value)}; this tool reads version 1`,
    quoted ? 'write `version: 1` without quotes' : 'write `version: 1`',
  );
}

function invalidType(ctx: CheckContext, path: Path, expectedType: string): void {
  const value = valueAt(ctx.js, path);
  if (value === undefined) {
    missingKey(ctx, path);
    return;
  }
  if (path[path.length - 1] === 'account' && typeof value === 'number') {
    unquotedAccountId(ctx, path, value);
    return;
  }
  const actual = value === null ? 'empty' : yamlKind(Array.isArray(value) ? 'array' : typeof value);
  const expected = yamlKind(expectedType);
  const message = `${formatPath(path)}: must be ${expected}, not ${actual} (${show(value)})`;
  addError(ctx, 'invalid-type', ctx.locate.value(path), message);
}

/** A schema's or JavaScript's kind in YAML's words: a list and a mapping, not an array and an object. */
function yamlKind(kind: string): string {
  if (kind === 'array') return 'a list';
  if (kind === 'object' || kind === 'record') return 'a mapping';
  return `a ${kind}`;
}

function missingKey(ctx: CheckContext, path: Path): void {
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
  addError(
    ctx,
    'missing-key',
    ctx.locate.value(parent),
    `missing required key ${show(key)} ${inWhat(parent)}`,
  );
}

const NOUNS: Record<string, string> = {
  policies: 'policy',
  targets: 'target',
  services: 'service',
  optOut: 'service',
};

function tooSmall(ctx: CheckContext, path: Path, isList: boolean): void {
  const where = formatPath(path);
  const noun = NOUNS[String(path[path.length - 1] ?? '')] ?? 'item';
  const message = isList ? `${where}: must list at least one ${noun}` : `${where}: must not be empty`;
  addError(ctx, 'too-small', ctx.locate.value(path), message);
}

function tooLow(ctx: CheckContext, path: Path, minimum: number): void {
  const value = show(valueAt(ctx.js, path));
  addError(ctx, 'too-small', ctx.locate.value(path), `${formatPath(path)}: ${value} is less than ${minimum}`);
}

function tooLong(ctx: CheckContext, path: Path, maximum: number): void {
  const value = valueAt(ctx.js, path);
  const length = typeof value === 'string' ? value.length : undefined;
  const message = `${formatPath(path)}: ${length ?? 'value'} characters, more than the ${maximum} AWS allows`;
  addError(ctx, 'too-long', ctx.locate.value(path), message);
}

/** A name with a character CreatePolicy refuses, or a description that is not Unicode text (aws-text.ts). */
function notAwsText(ctx: CheckContext, path: Path, fallback: string): void {
  const value = String(valueAt(ctx.js, path) ?? '');
  const where = formatPath(path);
  const field = path[path.length - 1];
  if (field === 'name') {
    const bad = firstNonNameCharacter(value) ?? { index: 0, character: value.charAt(0) };
    addError(
      ctx,
      'invalid-policy-name',
      ctx.locate.character(path, bad.character),
      `${where}: ${show(value)} has ${describeCharacter(bad.character)} at position ${bad.index + 1}; AWS accepts policy names of printable ASCII characters only (space to \`~\`)`,
      'write the name in ASCII letters, digits and punctuation; the description may hold any text',
    );
  } else if (field === 'description') {
    const index = Math.max(0, unpairedSurrogate(value));
    addError(
      ctx,
      'invalid-description',
      ctx.locate.value(path),
      `${where}: has ${describeCharacter(value.charAt(index))} at position ${index + 1}, half of a surrogate pair, which is not text AWS can store`,
      'remove the `\\u` escape, or write the character itself',
    );
  } else {
    addError(ctx, 'invalid-value', ctx.locate.value(path), `${where}: ${fallback}`);
  }
}

function invalidUnion(ctx: CheckContext, path: Path, fallback: string): void {
  if (isTargetPath(path)) {
    describeTargetProblem(ctx, path);
    return;
  }
  // A missing key (`optOut` misspelt) is named as missing, or not at all beside its "did you mean".
  if (valueAt(ctx.js, path) === undefined) {
    missingKey(ctx, path);
    return;
  }
  const message =
    path[0] === 'expect' && path[1] === 'optOut'
      ? `expect.optOut: ${show(valueAt(ctx.js, path))} is not allowed; expected \`all\` or a list of service keys`
      : `${formatPath(path)}: ${fallback}`;
  addError(ctx, 'invalid-value', ctx.locate.value(path), message);
}
