import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pushTo } from '../../../lambdas/domain/collections.ts';
import type { OrgSnapshot } from '../../../lambdas/domain/model.ts';
import { type OrgNode, OrgTree } from '../../../lambdas/domain/organization.ts';
import {
  effectivePoliciesOf,
  resolve,
  resolvedSource,
} from '../../../lambdas/domain/policy-types/ai-optout/engine.ts';
import { effectiveDocument } from '../../../lambdas/domain/policy-types/ai-optout/printed.ts';
import type { ResolvedSetting } from '../../../lambdas/domain/policy-types/ai-optout/settings.ts';

type EffectivePolicies = ReturnType<typeof effectivePoliciesOf>;

import { entry, OrgBuilder } from '../../support/org-builder.ts';

/** Effective policies of a snapshot, every attached policy parsed as AWS would read it. */
function compute(snapshot: OrgSnapshot): { tree: OrgTree; effective: EffectivePolicies } {
  const tree = new OrgTree(snapshot);
  return { tree, effective: effectivePoliciesOf(tree, snapshot.policies) };
}

function effectiveOf(builder: OrgBuilder, target: string) {
  const { effective } = compute(builder.build());
  return effective.stateOf(builder.idOf(target));
}

// AWS's own examples, verbatim content: G1-G6 from "AI services opt-out policy syntax and examples"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_syntax.html),
// G7 from "Creating an AI services opt-out policy" (orgs_manage_policies_ai-opt-out_create.html); G8 is
// written from the prose example of "Viewing effective AI services opt-out policies"
// (orgs_manage_policies_ai-opt-out_effective.html), which gives no JSON.
const G1 = { services: { rekognition: entry('optOut'), lex: entry('optIn') } };
const G2 = {
  services: {
    default: entry('optOut'),
    comprehend: {
      opt_out_policy: { '@@operators_allowed_for_child_policies': ['@@none'], '@@assign': 'optOut' },
    },
    rekognition: entry('optIn'),
  },
};
const G3 = {
  services: {
    '@@operators_allowed_for_child_policies': ['@@none'],
    default: entry('optOut', { lockEntry: true, lockSetting: true }),
  },
};
const G4 = { services: { default: entry('optOut', { lockEntry: true, lockSetting: true }) } };
const G5 = { services: { lex: entry('optIn') } };
const G6 = {
  services: {
    rekognition: {
      opt_out_policy: { '@@assign': 'optOut', '@@operators_allowed_for_child_policies': ['@@none'] },
    },
  },
};
const G7 = { services: { default: entry('optOut'), rekognition: entry('optIn') } };

describe('effective policies: AWS worked examples', () => {
  it('G1: a policy on an account sets exactly its two services; nothing else is set', () => {
    const org = new OrgBuilder().account('app', 'Workloads').policy('g1', G1, ['app']);
    const state = effectiveOf(org, 'app');
    expect(effectiveDocument(state)).toEqual({
      services: { lex: { opt_out_policy: 'optIn' }, rekognition: { opt_out_policy: 'optOut' } },
    });
    expect(resolve(state, 'default')).toBe('unset');
    expect(resolve(state, 'translate')).toBe('unset');
  });

  it('G2: root default optOut, comprehend locked, rekognition optIn; children may override all but comprehend', () => {
    const org = new OrgBuilder()
      .account('plain', 'Workloads')
      .account('child', 'Sandbox')
      .policy('g2', G2, ['root'])
      .policy(
        'child',
        { services: { comprehend: entry('optIn'), rekognition: entry('optOut'), default: entry('optIn') } },
        ['Sandbox'],
      );
    expect(effectiveDocument(effectiveOf(org, 'plain'))).toEqual({
      services: {
        default: { opt_out_policy: 'optOut' },
        comprehend: { opt_out_policy: 'optOut' },
        rekognition: { opt_out_policy: 'optIn' },
      },
    });
    const child = effectiveOf(org, 'child');
    expect(resolve(child, 'comprehend')).toBe('optOut');
    expect(resolve(child, 'rekognition')).toBe('optOut');
    expect(resolve(child, 'default')).toBe('optIn');
    expect(resolve(child, 'polly')).toBe('optIn');
  });

  it('G3 (Example 1): a fully locked root opt-out ignores every child policy', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('g3', G3, ['root'])
      .policy('g5', G5, ['app'])
      .policy('ou-default-in', { services: { default: entry('optIn') } }, ['Workloads']);
    const { effective } = compute(org.build());
    const state = effective.stateOf(org.idOf('app'));
    expect(effectiveDocument(state)).toEqual({ services: { default: { opt_out_policy: 'optOut' } } });
    expect(resolve(state, 'lex')).toBe('optOut');
    // The OU's `default: optIn` was not applied: the value still comes from the root's policy.
    expect(resolvedSource(state, 'default')).toEqual({
      policyId: org.build().policies.find((p) => p.name === 'g3')?.id,
      policyName: 'g3',
      nodeId: org.idOf('root'),
    });
    expect(resolvedSource(effective.stateOf(org.idOf('Workloads')), 'default')?.policyName).toBe('g3');
  });

  it('G4 + G5 (Example 2): a locked default still lets a child add lex optIn', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('g4', G4, ['root'])
      .policy('g5', G5, ['app']);
    const state = effectiveOf(org, 'app');
    expect(effectiveDocument(state)).toEqual({
      services: { default: { opt_out_policy: 'optOut' }, lex: { opt_out_policy: 'optIn' } },
    });
    expect(resolve(state, 'lex')).toBe('optIn');
    expect(resolve(state, 'comprehend')).toBe('optOut');
  });

  it('G6 (Example 3): rekognition locked org-wide; other services stay open to children', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('g6', G6, ['root'])
      .policy('child', { services: { rekognition: entry('optIn'), lex: entry('optIn') } }, ['Workloads']);
    const state = effectiveOf(org, 'app');
    expect(resolve(state, 'rekognition')).toBe('optOut');
    expect(resolve(state, 'lex')).toBe('optIn');
    expect(resolve(state, 'default')).toBe('unset');
  });

  it('G7 (create page): every account opted out of all services except Rekognition', () => {
    const org = new OrgBuilder().account('a', 'X').account('b', 'Y/Z').policy('g7', G7, ['root']);
    for (const name of ['a', 'b']) {
      const state = effectiveOf(org, name);
      expect(resolve(state, 'rekognition')).toBe('optIn');
      expect(resolve(state, 'lex')).toBe('optOut');
      expect(resolve(state, 'default')).toBe('optOut');
    }
  });

  it('G8 (effective page): one account opts in to Rekognition, every other account stays out', () => {
    const org = new OrgBuilder()
      .account('special', 'Workloads')
      .account('other', 'Workloads')
      .policy('root-out', { services: { default: entry('optOut') } }, ['root'])
      .policy('special-in', { services: { rekognition: entry('optIn') } }, ['special']);
    expect(resolve(effectiveOf(org, 'special'), 'rekognition')).toBe('optIn');
    expect(resolve(effectiveOf(org, 'other'), 'rekognition')).toBe('optOut');
    expect(resolve(effectiveOf(org, 'special'), 'lex')).toBe('optOut');
  });
});

describe('effective policies: child-control operators', () => {
  it('a lock under the service key alone does not stop a child from changing the value', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('entry-lock-only', { services: { default: entry('optOut', { lockEntry: true }) } }, ['root'])
      .policy('child', { services: { default: entry('optIn') } }, ['app']);
    expect(resolve(effectiveOf(org, 'app'), 'default')).toBe('optIn');
  });

  it('a lock under opt_out_policy alone stops value changes but not new services', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('setting-lock', { services: { default: entry('optOut', { lockSetting: true }) } }, ['root'])
      .policy('child', { services: { default: entry('optIn'), lex: entry('optIn') } }, ['app']);
    const state = effectiveOf(org, 'app');
    expect(resolve(state, 'default')).toBe('optOut');
    expect(resolve(state, 'lex')).toBe('optIn');
  });

  it("locks set on an OU bind that OU's children but not the OU's own policies", () => {
    const org = new OrgBuilder()
      .account('app', 'Sandbox')
      .policy('ou-lock', { services: { lex: entry('optIn', { lockSetting: true }) } }, ['Sandbox'])
      .policy('ou-peer', { services: { polly: entry('optIn') } }, ['Sandbox'])
      .policy('account', { services: { lex: entry('optOut'), polly: entry('optOut') } }, ['app']);
    const state = effectiveOf(org, 'app');
    expect(resolve(state, 'lex')).toBe('optIn');
    expect(resolve(state, 'polly')).toBe('optOut');
  });

  it('operators of two policies on one node intersect (Example 5): assign allowed by one, none by the other', () => {
    const allowAssign = {
      opt_out_policy: { '@@operators_allowed_for_child_policies': ['@@assign'], '@@assign': 'optOut' },
    };
    const locked = { default: entry('optOut', { lockSetting: true }) };
    // Both attachment orders (the engine reads same-node policies by id): neither policy's operators win alone.
    for (const [first, second] of [
      [{ default: allowAssign }, locked],
      [locked, { default: allowAssign }],
    ]) {
      const org = new OrgBuilder()
        .account('app', 'Workloads')
        .policy('a', { services: first }, ['root'])
        .policy('b', { services: second }, ['root'])
        .policy('child', { services: { default: entry('optIn') } }, ['app']);
      expect(resolve(effectiveOf(org, 'app'), 'default')).toBe('optOut');
    }
  });

  it('operators that both allow @@assign leave the value open to children', () => {
    const allowAssign = {
      opt_out_policy: { '@@operators_allowed_for_child_policies': ['@@assign'], '@@assign': 'optOut' },
    };
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('a', { services: { default: allowAssign } }, ['root'])
      .policy(
        'b',
        {
          services: {
            default: {
              opt_out_policy: { '@@operators_allowed_for_child_policies': ['@@all'], '@@assign': 'optOut' },
            },
          },
        },
        ['root'],
      )
      .policy('child', { services: { default: entry('optIn') } }, ['app']);
    expect(resolve(effectiveOf(org, 'app'), 'default')).toBe('optIn');
  });

  it('conflicting values on one node (Example 6) assume optIn and are reported', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('out', { services: { default: entry('optOut') } }, ['root'])
      .policy('in', { services: { default: entry('optIn') } }, ['root']);
    const { effective } = compute(org.build());
    const state = effective.stateOf(org.idOf('app'));
    expect(resolve(state, 'default')).toBe('optIn');
    expect(resolvedSource(state, 'default')?.policyName).toBe('in');
    expect(effective.conflicts).toHaveLength(1);
    expect(effective.conflicts[0]?.candidates.map((c) => c.value).sort()).toEqual(['optIn', 'optOut']);
  });

  it('agreeing values on one node are not a conflict', () => {
    const org = new OrgBuilder()
      .account('app')
      .policy('a', { services: { lex: entry('optOut') } }, ['root'])
      .policy('b', { services: { lex: entry('optOut', { lockSetting: true }) } }, ['root']);
    const { effective } = compute(org.build());
    expect(effective.conflicts).toEqual([]);
    expect(resolve(effective.stateOf(org.idOf('app')), 'lex')).toBe('optOut');
  });

  it('malformed hand-written policies apply nothing and do not throw', () => {
    const org = new OrgBuilder()
      .account('app', 'Workloads')
      .policy('root', { services: { default: entry('optOut') } }, ['root'])
      .policy('wrong-case', '{"services":{"default":{"opt_out_policy":{"@@assign":"OptIn"}}}}', ['Workloads'])
      .policy('not-json', '{"services":', ['Workloads'])
      .policy('no-assign', { services: { lex: { opt_out_policy: {} } } }, ['app'])
      .policy('effective-format', { services: { polly: { opt_out_policy: 'optIn' } } }, ['app']);
    const state = effectiveOf(org, 'app');
    expect(resolve(state, 'default')).toBe('optOut');
    expect(resolve(state, 'lex')).toBe('optOut');
    expect(resolve(state, 'polly')).toBe('optOut');
  });

  it("nodes without policies share their parent's state object", () => {
    const org = new OrgBuilder()
      .account('a', 'Workloads/Prod')
      .account('b', 'Workloads/Prod')
      .account('c', 'Workloads/Prod')
      .policy('root', G7, ['root'])
      .policy('c-only', G5, ['c']);
    const { effective } = compute(org.build());
    const prod = effective.stateOf(org.idOf('Workloads/Prod'));
    expect(effective.stateOf(org.idOf('a'))).toBe(prod);
    expect(effective.stateOf(org.idOf('b'))).toBe(prod);
    expect(effective.stateOf(org.idOf('c'))).not.toBe(prod);
  });
});

// ---------- property tests ----------

const SERVICE_KEYS = ['default', 'lex', 'polly', 'rekognition', 'comprehend'];
const operatorList = fc.constantFrom(undefined, ['@@none'], ['@@assign'], ['@@all']);
const setting = fc.constantFrom('optOut', 'optIn');

const policyContent = fc
  .record({
    servicesOps: operatorList,
    entries: fc.dictionary(
      fc.constantFrom(...SERVICE_KEYS),
      fc.record({ entryOps: operatorList, settingOps: operatorList, value: setting }),
      { minKeys: 1, maxKeys: 4 },
    ),
  })
  .map(({ servicesOps, entries }) => {
    const services: Record<string, unknown> = {};
    if (servicesOps) services['@@operators_allowed_for_child_policies'] = servicesOps;
    for (const [key, e] of Object.entries(entries)) {
      services[key] = {
        ...(e.entryOps ? { '@@operators_allowed_for_child_policies': e.entryOps } : {}),
        opt_out_policy: {
          ...(e.settingOps ? { '@@operators_allowed_for_child_policies': e.settingOps } : {}),
          '@@assign': e.value,
        },
      };
    }
    return JSON.stringify({ services });
  });

/** A random organization: OUs up to five deep, accounts, policies attached anywhere. */
const organization = fc
  .record({
    ouParents: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
    accountParents: fc.array(fc.nat(), { minLength: 1, maxLength: 15 }),
    policies: fc.array(
      fc.record({ content: policyContent, targets: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
      {
        maxLength: 8,
      },
    ),
  })
  .map(({ ouParents, accountParents, policies }) => {
    const builder = new OrgBuilder();
    const paths: string[] = [];
    for (const parent of ouParents) {
      const candidates = ['', ...paths.filter((p) => p.split('/').length < 5)];
      const base = candidates[parent % candidates.length] as string;
      const path = base ? `${base}/ou${paths.length}` : `ou${paths.length}`;
      paths.push(path);
      builder.ou(path);
    }
    const accounts = accountParents.map((parent, i) => {
      const place = ['', ...paths][parent % (paths.length + 1)] as string;
      return builder.accountId(`acct${i}`, place || undefined);
    });
    const targets = ['root', ...paths, ...accounts];
    policies.forEach((policy, i) => {
      const chosen = [...new Set(policy.targets.map((t) => targets[t % targets.length] as string))];
      builder.policy(`policy${i}`, policy.content, chosen);
    });
    return { builder, paths, accounts };
  });

const CHILD_CONTROL = '@@operators_allowed_for_child_policies';
interface RawEntry {
  [CHILD_CONTROL]?: string[];
  opt_out_policy?: { [CHILD_CONTROL]?: string[]; '@@assign'?: string };
}
type RawServices = Record<string, RawEntry> & { [CHILD_CONTROL]?: string[] };

/** The same assignments with every child-control operator removed: a `lock: none` policy. */
function withoutOperators(content: string): string {
  const services = JSON.parse(content).services as RawServices;
  const kept = Object.entries(services)
    .filter(([key]) => key !== CHILD_CONTROL)
    .map(([key, entry]) => [
      key,
      { opt_out_policy: { '@@assign': (entry as RawEntry).opt_out_policy?.['@@assign'] } },
    ]);
  return JSON.stringify({ services: Object.fromEntries(kept) });
}

/** A list of child-control operators without `@@assign` (or `@@all`) forbids children to assign. */
function forbidsAssign(operators: unknown): boolean {
  return Array.isArray(operators) && !operators.includes('@@assign') && !operators.includes('@@all');
}

/**
 * What an account's service resolves to, computed straight from the documents by AWS's rules where
 * they are simple: the nearest node (the account first, then up) whose policies assign the service
 * decides, with `optIn` when that node's policies disagree (the engine's documented assumption); the
 * `default` when no node assigns the service; `unset` when nothing assigns `default` either.
 * Undefined when a policy above the deciding node has any lock on the service list or that service:
 * those cases are the worked examples' and the locked-root property's to check.
 */
function simpleExpectation(
  documents: (nodeId: string) => RawServices[],
  tree: OrgTree,
  accountId: string,
  service: string,
): ResolvedSetting | undefined {
  const chain = tree.chain(tree.get(accountId) as OrgNode);
  for (let i = chain.length - 1; i >= 0; i--) {
    const values = documents((chain[i] as OrgNode).id).flatMap(
      (s) => s[service]?.opt_out_policy?.['@@assign'] ?? [],
    );
    if (values.length === 0) continue;
    const locked = chain
      .slice(0, i)
      .flatMap((node) => documents(node.id))
      .some(
        (s) =>
          forbidsAssign(s[CHILD_CONTROL]) ||
          forbidsAssign(s[service]?.[CHILD_CONTROL]) ||
          forbidsAssign(s[service]?.opt_out_policy?.[CHILD_CONTROL]),
      );
    if (locked) return undefined;
    return values.includes('optIn') ? 'optIn' : 'optOut';
  }
  return service === 'default' ? 'unset' : simpleExpectation(documents, tree, accountId, 'default');
}

/**
 * Checks each account's services against simpleExpectation wherever it decides; returns how many
 * checks expected a value AWS sets (optOut or optIn), so a property can show it checked something.
 */
function expectSimpleCases(
  snapshot: OrgSnapshot,
  tree: OrgTree,
  effective: EffectivePolicies,
  accountIds: readonly string[],
): number {
  const byNode = new Map<string, RawServices[]>();
  for (const policy of snapshot.policies) {
    for (const target of policy.targets) pushTo(byNode, target, JSON.parse(policy.content).services);
  }
  const documents = (nodeId: string) => byNode.get(nodeId) ?? [];
  let decided = 0;
  for (const id of accountIds) {
    for (const service of [...SERVICE_KEYS, 'some-future-service']) {
      const expected = simpleExpectation(documents, tree, id, service);
      if (expected === undefined) continue;
      expect(resolve(effective.stateOf(id), service), `${service} of ${id}`).toBe(expected);
      if (expected !== 'unset') decided++;
    }
  }
  return decided;
}

describe('effective policies: properties', () => {
  it('a fully locked optOut at the root makes every account resolve to optOut, whatever is attached below', () => {
    fc.assert(
      fc.property(organization, ({ builder, accounts }) => {
        builder.policy('root-lock', G3, ['root']);
        const snapshot = builder.build();
        // Every other policy attached to the root would be a peer, not a child: keep the root to the lock.
        snapshot.policies = snapshot.policies.filter(
          (p) => p.name === 'root-lock' || !p.targets.includes('r-test'),
        );
        const { effective } = compute(snapshot);
        expect(accounts.length).toBeGreaterThan(0);
        for (const id of accounts) {
          const state = effective.stateOf(id);
          for (const service of [...SERVICE_KEYS, 'some-future-service'])
            expect(resolve(state, service)).toBe('optOut');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('attaching a lock: none policy to one account changes that account as the rules say, and no other', () => {
    let decided = 0;
    fc.assert(
      fc.property(organization, policyContent, fc.nat(), ({ builder, accounts }, content, pick) => {
        const before = compute(builder.build()).effective;
        const leaf = accounts[pick % accounts.length] as string;
        builder.policy('leaf', withoutOperators(content), [leaf]);
        const snapshot = builder.build();
        const { tree, effective: after } = compute(snapshot);
        for (const id of accounts) {
          if (id === leaf) continue;
          expect(effectiveDocument(after.stateOf(id))).toEqual(effectiveDocument(before.stateOf(id)));
        }
        decided += expectSimpleCases(snapshot, tree, after, [leaf]);
      }),
      { numRuns: 200 },
    );
    expect(decided).toBeGreaterThan(200);
  });

  it('a policy attached to an OU never changes anything outside that OU, and applies inside it as the rules say', () => {
    let decided = 0;
    fc.assert(
      fc.property(organization, policyContent, fc.nat(), ({ builder, paths, accounts }, content, pick) => {
        const before = compute(builder.build()).effective;
        const ouPath = paths[pick % paths.length] as string;
        builder.policy('ou-policy', content, [ouPath]);
        const snapshot = builder.build();
        const { tree, effective: after } = compute(snapshot);
        const ouId = builder.idOf(ouPath);
        const inside = accounts.filter((id) =>
          tree.chain(tree.get(id) as OrgNode).some((n) => n.id === ouId),
        );
        for (const id of accounts) {
          if (inside.includes(id)) continue;
          expect(effectiveDocument(after.stateOf(id))).toEqual(effectiveDocument(before.stateOf(id)));
        }
        decided += expectSimpleCases(snapshot, tree, after, inside);
      }),
      { numRuns: 200 },
    );
    expect(decided).toBeGreaterThan(200);
  });

  it('the result does not depend on the order policies or targets are listed in', () => {
    let decided = 0;
    fc.assert(
      fc.property(organization, fc.nat(), ({ builder, accounts }, seed) => {
        const snapshot = builder.build();
        const shuffled = structuredClone(snapshot);
        const rotate = <T>(list: T[]) =>
          list.length > 1 ? [...list.slice(seed % list.length), ...list.slice(0, seed % list.length)] : list;
        shuffled.policies = rotate(shuffled.policies).map((p) => ({ ...p, targets: rotate(p.targets) }));
        const { tree, effective: a } = compute(snapshot);
        const b = compute(shuffled).effective;
        for (const id of accounts) {
          const sa = a.stateOf(id);
          const sb = b.stateOf(id);
          expect(effectiveDocument(sb)).toEqual(effectiveDocument(sa));
          for (const service of SERVICE_KEYS)
            expect(resolvedSource(sb, service)).toEqual(resolvedSource(sa, service));
        }
        decided += expectSimpleCases(snapshot, tree, a, accounts);
      }),
      { numRuns: 150 },
    );
    expect(decided).toBeGreaterThan(200);
  });
});
