/**
 * What in a pull request a person must review whatever its plan says (docs/pull-requests.md): a change to
 * the desired state's guardrails and switches (`expect`, a policy's `lock`, `unmanaged`, `mode`, anything
 * of the `bedrock:` section), and any
 * account service it stops opting out of or opts in to. The pull-request check never approves such a
 * change: it says why, and leaves the approval to a person.
 */
import type { DesiredState, Expectation } from './desired-state/types.ts';
import type { EffectiveChange } from './planner/schema.ts';

/** `expect` as data, without where it was written: two files that say the same compare equal. */
function expectKey(expect: Expectation | undefined): string {
  if (!expect) return 'none';
  const optOut = expect.optOut === 'all' ? 'all' : [...expect.optOut].sort();
  const except = expect.except.map((e) => JSON.stringify([e.target.ref, [...e.services].sort()])).sort();
  return JSON.stringify([optOut, except]);
}

/** Each policy's `lock` that the head changes, adds below `all`, or removes above `none`. */
function lockChanges(base: DesiredState, head: DesiredState): string[] {
  const before = new Map(base.policies.map((p) => [p.name, p.lock]));
  const after = new Map(head.policies.map((p) => [p.name, p.lock]));
  const out: string[] = [];
  for (const [name, lock] of after) {
    const was = before.get(name);
    if (was === undefined && lock !== 'all') out.push(`adds policy ${name} with lock ${lock}`);
    else if (was !== undefined && was !== lock)
      out.push(`changes the lock of ${name} from ${was} to ${lock}`);
  }
  for (const [name, lock] of before)
    if (!after.has(name) && lock !== 'none') out.push(`removes policy ${name} and its lock ${lock}`);
  return out;
}

/** The `bedrock:` section as data, without where it was written (`none` without one). */
function bedrockKey(section: DesiredState['bedrock']): string {
  if (!section) return 'none';
  const policies = section.policies.map((p) => [
    p.name,
    p.description,
    p.adopt,
    p.content,
    p.targets.map((t) => t.ref),
  ]);
  const rules = (section.expect?.rules ?? []).map((rule) => [rule.target.ref, [...rule.regions]]);
  return JSON.stringify([section.unmanaged, policies, rules]);
}

/** The head's changes to `expect`, `lock`, `unmanaged`, `mode` and the `bedrock:` section, one phrase each. */
export function guardrailChanges(base: DesiredState, head: DesiredState): string[] {
  const out: string[] = [];
  if (expectKey(base.expect) !== expectKey(head.expect))
    out.push(head.expect ? 'changes expect' : 'removes expect');
  out.push(...lockChanges(base, head));
  if (base.unmanaged !== head.unmanaged)
    out.push(`changes unmanaged from ${base.unmanaged} to ${head.unmanaged}`);
  if (base.mode !== head.mode) out.push(`changes mode from ${base.mode} to ${head.mode}`);
  // Which Bedrock changes weaken a guardrail is not decided yet: a person reviews every one.
  if (bedrockKey(base.bedrock) !== bedrockKey(head.bedrock))
    out.push('changes the Bedrock policies (bedrock:)');
  return out;
}

/**
 * Whether an effective change lets an AI service use an account's content where it did not: the service
 * is opted in, or it was opted out and no longer is (`unset` leaves AWS's default, which is opted in).
 */
export function opensService(change: Pick<EffectiveChange, 'from' | 'to'>): boolean {
  return change.to === 'optIn' || (change.from === 'optOut' && change.to === 'unset');
}
