/**
 * Targets of a declared policy (`root`, `ou: path-or-id`, `account: id-or-name`): what is wrong with
 * one the schema refused, and the checks between targets (the same target twice, more policies on
 * one target than AWS allows).
 */
import { pushTo } from '../collections.ts';
import { ACCOUNT_ID_PATTERN } from '../contract.ts';
import { echo } from '../echo.ts';
import type { TargetRef } from '../model.ts';
import type { PolicyTypeFacts } from '../policy-types/policy-type.ts';
import { didYouMean } from '../suggest.ts';
import { addError, type CheckContext } from './check-context.ts';
import { formatPath, type Path, show, valueAt } from './locator.ts';
import type { DesiredStateDocument } from './schema.ts';
import type { LocatedTarget } from './types.ts';

export const TARGET_KEYS = ['ou', 'account'];
const TARGET_FORMS = '`root`, `ou: <path or id>` or `account: <id or name>`';

type RawTarget = DesiredStateDocument['policies'][number]['targets'][number];

/** Names of the declared policies on each target so far, by targetKey. */
export type PoliciesByTarget = Map<string, string[]>;

export function unquotedAccountId(ctx: CheckContext, path: Path, value: number): void {
  const typed = echo(ctx.locate.source(path) ?? String(value));
  const dropped = typed.startsWith('0') ? ' and drops its leading zero' : '';
  addError(
    ctx,
    'unquoted-account-id',
    ctx.locate.value(path),
    `${formatPath(path)}: account ids must be quoted strings (YAML reads ${typed} as a number${dropped})`,
    `write \`account: "${typed}"\``,
  );
}

/** Explains a target the schema refused, for the form it was written in. */
export function describeTargetProblem(ctx: CheckContext, path: Path): void {
  const value = valueAt(ctx.js, path);
  if (typeof value === 'string') {
    describeStringTarget(ctx, path, value);
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    describeMappingTarget(ctx, path, value as Record<string, unknown>);
    return;
  }
  const typed = ctx.locate.source(path) ?? String(value);
  addError(
    ctx,
    'invalid-target',
    ctx.locate.value(path),
    `${formatPath(path)}: ${show(value)} is not a target; a target is ${TARGET_FORMS}`,
    typeof value === 'number' && ACCOUNT_ID_PATTERN.test(typed) ? `write \`account: "${typed}"\`` : undefined,
  );
}

function describeStringTarget(ctx: CheckContext, path: Path, value: string): void {
  const where = formatPath(path);
  if (value.toLowerCase() === 'root') {
    addError(
      ctx,
      'invalid-target',
      ctx.locate.value(path),
      `${where}: ${show(value)} is not a target`,
      'did you mean `root`?',
    );
    return;
  }
  const hint = ACCOUNT_ID_PATTERN.test(value)
    ? `write \`account: "${value}"\``
    : `write \`ou: ${echo(value)}\` or \`account: ${echo(value)}\``;
  addError(
    ctx,
    'invalid-target',
    ctx.locate.value(path),
    `${where}: ${show(value)} is not a target; a target is ${TARGET_FORMS}`,
    hint,
  );
}

function describeMappingTarget(ctx: CheckContext, path: Path, value: Record<string, unknown>): void {
  const where = formatPath(path);
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !TARGET_KEYS.includes(k));
  for (const key of unknown) {
    addError(
      ctx,
      'unknown-key',
      ctx.locate.key(path, key),
      `${where}: unknown key ${show(key)} in a target; a target is ${TARGET_FORMS}`,
      didYouMean(key, TARGET_KEYS),
    );
  }
  if (unknown.length > 0) return;
  const [key, ...others] = keys;
  if (key === undefined || others.length > 0) {
    const has = keys.length === 0 ? 'none' : keys.join(' and ');
    const message = `${where}: a target names exactly one of \`ou\` or \`account\`, this one has ${has}`;
    addError(ctx, 'invalid-target', ctx.locate.value(path), message);
    return;
  }
  const inner = value[key];
  if (key === 'account' && typeof inner === 'number') {
    unquotedAccountId(ctx, [...path, key], inner);
    return;
  }
  const message = `${where}.${key}: must be a non-empty string, not ${show(inner)}`;
  addError(ctx, 'invalid-target', ctx.locate.value([...path, key]), message);
}

/** A target as a reference; undefined (with an error) for an all-digit account that is not 12 digits. */
export function toTargetRef(ctx: CheckContext, raw: RawTarget, path: Path): TargetRef | undefined {
  if (raw === 'root') return { kind: 'root' };
  if ('ou' in raw) return { kind: 'ou', ref: raw.ou.trim() };
  const ref = raw.account.trim();
  if (/^\d+$/.test(ref) && ref.length !== 12) {
    addError(
      ctx,
      'invalid-account-id',
      ctx.locate.value([...path, 'account']),
      `${formatPath(path)}.account: ${show(ref)} has ${ref.length} digits; account ids have 12`,
    );
    return undefined;
  }
  return { kind: 'account', ref };
}

/** A key that two spellings of the same target share (`ou: Root/Sandbox` and `ou: Sandbox`). */
function targetKey(ref: TargetRef): string {
  if (ref.kind === 'root') return 'root';
  if (ref.kind === 'account') return `account:${ref.ref}`;
  return `ou:${ref.ref.replace(/^\/+|\/+$/g, '').replace(/^Root\//, '')}`;
}

/** The targets of the policy at `path`, located; counts them in `byTarget` against the AWS limit. */
export function checkTargets(
  ctx: CheckContext,
  path: Path,
  name: string,
  targets: readonly RawTarget[],
  byTarget: PoliciesByTarget,
  facts: PolicyTypeFacts,
): LocatedTarget[] {
  const seen = new Map<string, number>();
  const located: LocatedTarget[] = [];
  targets.forEach((rawTarget, targetIndex) => {
    const targetPath: Path = [...path, 'targets', targetIndex];
    const ref = toTargetRef(ctx, rawTarget, targetPath);
    if (!ref) return;
    const key = targetKey(ref);
    const location = ctx.locate.value(targetPath);
    const duplicateOf = seen.get(key);
    if (duplicateOf !== undefined) {
      const message = `${formatPath(targetPath)}: duplicate target (same as targets[${duplicateOf}]) in policy ${show(name)}`;
      addError(ctx, 'duplicate-target', location, message);
      return;
    }
    seen.set(key, targetIndex);
    located.push({ ref, location });
    pushTo(byTarget, key, name);
    const names = byTarget.get(key) as string[];
    if (names.length !== facts.maxPoliciesPerTarget + 1) return;
    addError(
      ctx,
      'too-many-policies-on-target',
      location,
      `${formatPath(targetPath)}: ${names.length} policies target ${echo(key.replace(':', ': '))} (${names.map((n) => echo(n, 100)).join(', ')}); AWS allows at most ${facts.maxPoliciesPerTarget} ${facts.nounPlural} on one root, OU or account`,
      'merge policies or move some to other targets',
    );
  });
  return located;
}
