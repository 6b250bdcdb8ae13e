/** `expect`: which services of an effective state break it, and which policy is the cause. */
import type { OrgTree } from '../../organization.ts';
import type { Breach } from '../policy-type.ts';
import type { Expectation } from './desired-state.ts';
import { type EffectiveState, resolve, resolvedSource } from './engine.ts';

/** Services of one effective state that break `expect`, given the exempt services. */
export function breaches(
  tree: OrgTree,
  state: EffectiveState,
  expectation: Expectation,
  exempt: ReadonlySet<string>,
): Breach[] {
  const found: Breach[] = [];
  const check = (service: string) => {
    const actual = resolve(state, service);
    if (actual !== 'optOut')
      found.push({ service, expected: 'optOut', actual, ...causeOf(tree, state, service) });
  };
  if (expectation.optOut !== 'all') {
    for (const service of expectation.optOut) if (!exempt.has(service)) check(service);
    return found;
  }
  // `all`: the effective default is optOut, and no service of its own is opted in.
  if (!exempt.has('default')) check('default');
  for (const [service, entry] of state.entries) {
    if (service === 'default' || exempt.has(service) || entry.value !== 'optIn') continue;
    found.push({ service, expected: 'optOut', actual: 'optIn', ...causeOf(tree, state, service) });
  }
  return found;
}

function causeOf(
  tree: OrgTree,
  state: EffectiveState,
  service: string,
): Pick<Breach, 'cause' | 'causeDetail'> {
  const source = resolvedSource(state, service);
  // A setting with no source is AWS's: its effective policy holds a value no policy read here sets.
  if (!source && resolve(state, service) !== 'unset')
    return {
      cause: 'aws',
      causeDetail: "as AWS's effective policy says; no AI opt-out policy read here sets it",
    };
  if (!source) return { cause: 'none', causeDetail: 'no AI opt-out policy sets it' };
  const node = tree.get(source.nodeId);
  return {
    cause: `${source.policyId}@${source.nodeId}`,
    causeDetail: `${source.policyName} on ${node ? tree.label(node) : source.nodeId}`,
  };
}
