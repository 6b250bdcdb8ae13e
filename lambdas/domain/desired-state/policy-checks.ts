/**
 * Checks of the declared policies a schema cannot express: names unique in the file, targets
 * (target-checks.ts), and what the policy type checks of its settings (something set, known keys, the
 * rendered document within AWS's size).
 */
import { VERSION_1_POLICY_TYPE } from '../policy-types/version-1.ts';
import { addError, type CheckContext } from './check-context.ts';
import { type Path, show } from './locator.ts';
import type { DesiredStateDocument } from './schema.ts';
import { checkTargets, type PoliciesByTarget } from './target-checks.ts';
import { DEFAULT_POLICY_DESCRIPTION, type DesiredPolicy } from './types.ts';

type RawPolicy = DesiredStateDocument['policies'][number];

export function checkPolicies(ctx: CheckContext, raws: readonly RawPolicy[]): DesiredPolicy[] {
  const firstByName = new Map<string, number>();
  const byTarget: PoliciesByTarget = new Map();
  return raws.map((raw, index) => {
    const previous = firstByName.get(raw.name);
    if (previous === undefined) firstByName.set(raw.name, index);
    else duplicateName(ctx, index, raw.name, previous);
    return checkPolicy(ctx, raw, index, byTarget);
  });
}

function duplicateName(ctx: CheckContext, index: number, name: string, previous: number): void {
  const first = ctx.locate.value(['policies', previous, 'name']);
  addError(
    ctx,
    'duplicate-policy-name',
    ctx.locate.value(['policies', index, 'name']),
    `policies[${index}].name: duplicate policy name ${show(name)} (first declared at line ${first.line})`,
    'policy names are unique in an organization; rename one',
  );
}

function checkPolicy(
  ctx: CheckContext,
  raw: RawPolicy,
  index: number,
  byTarget: PoliciesByTarget,
): DesiredPolicy {
  const { name } = raw;
  const path: Path = ['policies', index];
  const type = VERSION_1_POLICY_TYPE;
  const { settings, content } = type.desiredState.checkPolicy(ctx, raw, path, `policies[${index}] (${name})`);
  const targets = checkTargets(ctx, path, name, raw.targets, byTarget, type.facts);
  return {
    name,
    description: raw.description ?? DEFAULT_POLICY_DESCRIPTION,
    ...settings,
    adopt: raw.adopt,
    targets,
    content,
    location: ctx.locate.value([...path, 'name']),
  };
}
