/**
 * Checks of the declared policies a schema cannot express: names unique in their list, targets
 * (target-checks.ts), and what the policy type checks of its settings (something set, known keys, the
 * rendered document within AWS's size). The same checks serve each section of the file (`policies`, and
 * `bedrock.policies`), each with its own type.
 */
import type { PolicyType, PolicyTypeShapes } from '../policy-types/policy-type.ts';
import { VERSION_1_POLICY_TYPE } from '../policy-types/version-1.ts';
import { addError, type CheckContext } from './check-context.ts';
import { formatPath, type Path, show } from './locator.ts';
import type { DesiredStateDocument } from './schema.ts';
import { checkTargets, type PoliciesByTarget } from './target-checks.ts';
import { DEFAULT_POLICY_DESCRIPTION, type DesiredPolicy } from './types.ts';

type RawTarget = DesiredStateDocument['policies'][number]['targets'][number];

/** What a policy entry of any type has, as the schema gives it. */
interface RawPolicy {
  name: string;
  description?: string | undefined;
  adopt: boolean;
  targets: RawTarget[];
}

/** A list of policies of one type in the file: where it is, and the description a policy without one gets. */
export interface PolicySection<T extends PolicyTypeShapes> {
  type: PolicyType<T>;
  path: Path;
  defaultDescription: string;
}

const VERSION_1_SECTION: PolicySection<PolicyTypeShapes> = {
  type: VERSION_1_POLICY_TYPE as unknown as PolicyType<PolicyTypeShapes>,
  path: ['policies'],
  defaultDescription: DEFAULT_POLICY_DESCRIPTION,
};

export function checkPolicies(ctx: CheckContext, raws: readonly RawPolicy[]): DesiredPolicy[];
export function checkPolicies<T extends PolicyTypeShapes>(
  ctx: CheckContext,
  raws: readonly RawPolicy[],
  section: PolicySection<T>,
): T['policy'][];
export function checkPolicies(
  ctx: CheckContext,
  raws: readonly RawPolicy[],
  section: PolicySection<PolicyTypeShapes> = VERSION_1_SECTION,
): PolicyTypeShapes['policy'][] {
  const firstByName = new Map<string, number>();
  const byTarget: PoliciesByTarget = new Map();
  return raws.map((raw, index) => {
    const previous = firstByName.get(raw.name);
    if (previous === undefined) firstByName.set(raw.name, index);
    else duplicateName(ctx, [...section.path, index], raw.name, [...section.path, previous]);
    return checkPolicy(ctx, raw, [...section.path, index], byTarget, section);
  });
}

function duplicateName(ctx: CheckContext, path: Path, name: string, previous: Path): void {
  const first = ctx.locate.value([...previous, 'name']);
  addError(
    ctx,
    'duplicate-policy-name',
    ctx.locate.value([...path, 'name']),
    `${formatPath(path)}.name: duplicate policy name ${show(name)} (first declared at line ${first.line})`,
    'policy names are unique in an organization; rename one',
  );
}

function checkPolicy(
  ctx: CheckContext,
  raw: RawPolicy,
  path: Path,
  byTarget: PoliciesByTarget,
  { type, defaultDescription }: PolicySection<PolicyTypeShapes>,
): PolicyTypeShapes['policy'] {
  const { name } = raw;
  const { settings, content } = type.desiredState.checkPolicy(
    ctx,
    raw,
    path,
    `${formatPath(path)} (${name})`,
  );
  const targets = checkTargets(ctx, path, name, raw.targets, byTarget, type.facts);
  return {
    name,
    description: raw.description ?? defaultDescription,
    ...settings,
    adopt: raw.adopt,
    targets,
    content,
    location: ctx.locate.value([...path, 'name']),
  };
}
