import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from '../../../lambdas/domain/errors.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { BEDROCK_POLICY_TYPE } from '../../../lambdas/domain/policy-types/bedrock/facts.ts';
import {
  parseSnapshot,
  publishedSnapshot,
  serializeSnapshot,
  validateSnapshot,
} from '../../../lambdas/domain/snapshot.ts';
import { OrgBuilder } from '../../support/org-builder.ts';

const example = readFileSync(
  new URL('../../../examples/lza-organization.snapshot.json', import.meta.url),
  'utf8',
);

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    return (error as Error).message;
  }
  throw new Error('expected a SnapshotError');
}

describe('snapshots', () => {
  it('reads the bundled example', () => {
    const snapshot = parseSnapshot(example, 'example.json');
    expect(snapshot.accounts).toHaveLength(18);
    expect(snapshot.organizationalUnits.map((o) => o.name)).toEqual([
      'Security',
      'Infrastructure',
      'Workloads',
      'Prod',
      'Dev',
      'Sandbox',
      'Suspended',
    ]);
  });

  it('round-trips through serialize and parse', () => {
    const snapshot = parseSnapshot(example, 'example.json');
    const again = parseSnapshot(serializeSnapshot(snapshot), 'again.json');
    expect(again).toEqual({
      ...snapshot,
      policies: [...snapshot.policies]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((p) => ({ ...p, targets: [...p.targets].sort() })),
    });
  });

  it('names the bad field of a malformed snapshot', () => {
    const data = JSON.parse(example);
    data.accounts[3].id = '12345';
    expect(failure(() => validateSnapshot(data, 'bad.json'))).toBe(
      'bad.json is not a valid organization snapshot: accounts[3].id: expected a 12-digit account id',
    );
  });

  it('names a missing field, a wrong version and invalid JSON', () => {
    const data = JSON.parse(example);
    delete data.policies[0].content;
    expect(failure(() => validateSnapshot(data, 's.json'))).toMatch(/policies\[0\]\.content: /);
    expect(failure(() => validateSnapshot({ ...JSON.parse(example), snapshotVersion: 2 }, 's.json'))).toMatch(
      /snapshotVersion: /,
    );
    expect(failure(() => parseSnapshot('{"snapshotVersion":', 's.json'))).toMatch(
      /^s\.json is not valid JSON/,
    );
  });

  it('rejects a parent that does not exist and a policy target outside the organization', () => {
    const orphan = new OrgBuilder().account('a', 'X').build();
    orphan.accounts[0] = {
      ...(orphan.accounts[0] as (typeof orphan.accounts)[number]),
      parentId: 'ou-test-99999999',
    };
    expect(failure(() => validateSnapshot(orphan, 'o.json'))).toMatch(/names parent ou-test-99999999/);
    const stray = new OrgBuilder().account('a', 'X').policy('p', { services: {} }, ['root']).build();
    (stray.policies[0] as { targets: string[] }).targets.push('999999999999');
    expect(failure(() => validateSnapshot(stray, 't.json'))).toMatch(
      /policies\[0\]\.targets\[1\]: 999999999999 is not/,
    );
  });

  it('rejects a parent cycle', () => {
    const cyclic = new OrgBuilder().ou('A/B').build();
    const [a, b] = cyclic.organizationalUnits;
    if (!a || !b) throw new Error('fixture');
    a.parentId = b.id;
    expect(failure(() => validateSnapshot(cyclic, 'c.json'))).toMatch(/not reachable from the root/);
  });

  it('names at most five problems and counts the rest; a problem at the top level is named so', () => {
    const data = JSON.parse(example);
    data.accounts = data.accounts.slice(0, 7).map((a: { id: string }) => ({ ...a, id: 'not-an-id' }));
    const message = failure(() => validateSnapshot(data, 'org.json'));
    expect(message).toMatch(
      /^org\.json is not a valid organization snapshot: accounts\[0\]\.id: .*; accounts\[4\]\.id: [^;]*\(and 2 more\)$/,
    );
    expect(message.split('; ')).toHaveLength(5);
    expect(failure(() => validateSnapshot([], 'org.json'))).toMatch(
      /^org\.json is not a valid organization snapshot: \(top level\): /,
    );
    const five = JSON.parse(example);
    five.accounts = five.accounts.slice(0, 5).map((a: { id: string }) => ({ ...a, id: 'not-an-id' }));
    expect(failure(() => validateSnapshot(five, 'org.json'))).not.toContain('more)');
  });

  it("serializes policies by name, then id, and each policy's targets sorted", () => {
    const snapshot = new OrgBuilder()
      .account('a', 'Sandbox')
      .policy('same', '{}', ['Sandbox', 'root'], { id: 'p-bbbbbbbb' })
      .policy('same', '{}', [], { id: 'p-aaaaaaaa' })
      .policy('same', '{}', [], { id: 'p-dddddddd' })
      .policy('first', '{}', [], { id: 'p-cccccccc' })
      .build();
    const serialized = JSON.parse(serializeSnapshot(snapshot)) as {
      policies: { id: string; targets: string[] }[];
    };
    expect(serialized.policies.map((p) => p.id)).toEqual([
      'p-cccccccc',
      'p-aaaaaaaa',
      'p-bbbbbbbb',
      'p-dddddddd',
    ]);
    expect(serialized.policies[2]?.targets).toEqual([...(snapshot.policies[0]?.targets ?? [])].sort());
  });
});

describe('snapshots with more than one policy type', () => {
  const typed = () => {
    const builder = new OrgBuilder().account('prod', 'Workloads/Prod').withOtherType(BEDROCK_POLICY_TYPE);
    builder.policy('guardrails', '{"bedrock":{}}', ['Workloads/Prod'], {
      managed: true,
      type: BEDROCK_POLICY_TYPE,
    });
    builder.policy('baseline', '{"services":{}}', ['root'], { managed: true });
    return builder.build();
  };

  it('an older snapshot, without types, still loads: its policies have none, and it captures no other type', () => {
    // The bundled example as releases before Bedrock policies shipped it.
    const older = readFileSync(
      new URL('../../fixtures/snapshots/before-bedrock.snapshot.json', import.meta.url),
      'utf8',
    );
    const snapshot = parseSnapshot(older, 'older.json');

    expect(snapshot.policies.map((p) => p.type)).toEqual(snapshot.policies.map(() => undefined));
    expect(snapshot.capturedPolicyTypes).toBeUndefined();
  });

  it("keeps each policy's type and the types it captured through serialize, parse and the published form", () => {
    const snapshot = typed();

    const again = parseSnapshot(serializeSnapshot(publishedSnapshot(snapshot)), 'again.json');

    expect(again.capturedPolicyTypes).toEqual([AI_POLICY_TYPE, BEDROCK_POLICY_TYPE]);
    expect(again.policies.map((p) => [p.name, p.type])).toEqual([
      ['baseline', undefined],
      ['guardrails', BEDROCK_POLICY_TYPE],
    ]);
  });

  it('an empty type or captured type is refused, naming the field', () => {
    const snapshot = typed();
    const bad = { ...snapshot, policies: snapshot.policies.map((p) => ({ ...p, type: '' })) };

    expect(failure(() => validateSnapshot(bad, 's.json'))).toMatch(
      /^s\.json is not a valid organization snapshot: policies\[0\]\.type: /,
    );
    expect(failure(() => validateSnapshot({ ...snapshot, capturedPolicyTypes: [''] }, 's.json'))).toMatch(
      /capturedPolicyTypes\[0\]/,
    );
  });
});
