/**
 * The policy type as a seam: what is particular to AI opt-out stays in its folder, the rest of the code
 * reaches it through the descriptor, and a second type (a toy one here, written as a newcomer would)
 * runs through the generic effective-policy walk and planner steps with no AI opt-out assumption.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DeclaredPolicy } from '../../../../lambdas/domain/desired-state/types.ts';
import { OrgTree } from '../../../../lambdas/domain/organization.ts';
import { planDeclaredPolicies } from '../../../../lambdas/domain/planner/declared-policies.ts';
import { newDraft } from '../../../../lambdas/domain/planner/draft.ts';
import { accountEffects } from '../../../../lambdas/domain/planner/effects.ts';
import {
  currentAttachments,
  existingPolicies,
} from '../../../../lambdas/domain/planner/existing-policies.ts';
import { checkPolicyType } from '../../../../lambdas/domain/planner/policy-type.ts';
import { checkTargetLimit } from '../../../../lambdas/domain/planner/target-limit.ts';
import { EffectivePolicies } from '../../../../lambdas/domain/policy-types/effective-policies.ts';
import { isRecord } from '../../../../lambdas/domain/policy-types/json-document.ts';
import type {
  AttachedPolicy,
  ExpectBlock,
  PolicyDocument,
  PolicyType,
  SettingSource,
} from '../../../../lambdas/domain/policy-types/policy-type.ts';
import { importsOf, packagesLoadedBy, resolveImport } from '../../../support/imports.ts';
import { OrgBuilder } from '../../../support/org-builder.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TYPES = 'lambdas/domain/policy-types/';

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name).split('\\').join('/'))
    .sort();
}

const SHIPPED = ['lambdas', 'lib', 'bin', 'scripts'].flatMap(sourcesUnder);

/** Each import of `file` that resolves into a type's own folder (policy-types/<type>/…). */
function typeFolderImports(file: string): string[] {
  return importsOf(readFileSync(join(ROOT, file), 'utf8'), file)
    .map(({ specifier }) => resolveImport(ROOT, file, specifier))
    .filter((target) => target.startsWith(TYPES) && target.slice(TYPES.length).includes('/'));
}

describe('the policy type is one folder behind one descriptor', () => {
  it("writes AI opt-out's Organizations name (and its ARN form) in one file of the shipped code", () => {
    expect(SHIPPED.length).toBeGreaterThan(100);

    const naming = SHIPPED.filter((file) =>
      /AISERVICES_OPT_OUT_POLICY|aiservices_opt_out_policy/.test(readFileSync(join(ROOT, file), 'utf8')),
    );

    expect(naming).toEqual([`${TYPES}ai-optout/facts.ts`]);
  });

  it("writes Bedrock's Organizations name (and its ARN form) in one file of the shipped code", () => {
    const naming = SHIPPED.filter((file) =>
      /BEDROCK_POLICY(?!_)|bedrock_policy/.test(
        readFileSync(join(ROOT, file), 'utf8').replace(/BEDROCK_POLICY_TYPE/g, ''),
      ),
    );

    expect(naming).toEqual([`${TYPES}bedrock/facts.ts`]);
  });

  it("outside policy-types/, code reaches a type only through version-1.ts or the type's facts.ts", () => {
    const outside = SHIPPED.filter((file) => !file.startsWith(TYPES));
    const reaching = outside.flatMap((file) =>
      typeFolderImports(file).map((target) => `${file} -> ${target}`),
    );
    expect(reaching.length).toBeGreaterThan(0);

    expect(reaching.filter((line) => !line.endsWith('/facts.ts'))).toEqual([]);
  });

  it("the generic modules of policy-types/ name no type's folder except version-1.ts, which names the index", () => {
    const generic = sourcesUnder(TYPES).filter((file) => !file.slice(TYPES.length).includes('/'));
    expect(generic).toEqual(expect.arrayContaining([`${TYPES}policy-type.ts`, `${TYPES}version-1.ts`]));

    const found = generic.flatMap((file) => typeFolderImports(file).map((target) => `${file} -> ${target}`));

    expect(found).toContain(`${TYPES}version-1.ts -> ${TYPES}ai-optout/index.ts`);
    expect(found).toContain(`${TYPES}version-1.ts -> ${TYPES}bedrock/index.ts`);
    expect(found.filter((line) => !line.startsWith(`${TYPES}version-1.ts -> `))).toEqual([]);
  });

  it.each(['ai-optout', 'bedrock'])('the type folder %s imports no other type folder', (folder) => {
    const inFolder = sourcesUnder(`${TYPES}${folder}`);
    expect(inFolder).toContain(`${TYPES}${folder}/index.ts`);

    const foreign = inFolder.flatMap((file) =>
      typeFolderImports(file).filter((target) => !target.startsWith(`${TYPES}${folder}/`)),
    );

    expect(foreign).toEqual([]);
  });

  it("a type's facts load no package, so the CDK constructs may read them", () => {
    expect(packagesLoadedBy(ROOT, `${TYPES}ai-optout/facts.ts`)).toEqual(new Set());
    expect(packagesLoadedBy(ROOT, `${TYPES}bedrock/facts.ts`)).toEqual(new Set());
    expect(packagesLoadedBy(ROOT, `${TYPES}policy-type.ts`)).toEqual(new Set());
  });
});

// A second policy type, as small as the interface allows: `{"flag": {"@@assign": "optOut" | "optIn"}}`,
// the deepest node's value applies, no locks. It keeps report version 1's values (optOut, optIn, unset).
interface ToyDocument extends PolicyDocument {
  value: 'optOut' | 'optIn' | undefined;
}
interface ToyState {
  value: 'optOut' | 'optIn' | undefined;
  source: SettingSource | undefined;
}
interface ToyShapes {
  state: ToyState;
  document: ToyDocument;
  policy: DeclaredPolicy & { flag: 'optOut' | 'optIn' };
  expectation: ExpectBlock;
  policyFields: Record<string, never>;
  expectSchema: z.ZodObject;
}

function parseToy(content: string): ToyDocument {
  const json: unknown = JSON.parse(content);
  const assign = isRecord(json) && isRecord(json.flag) ? json.flag['@@assign'] : undefined;
  const value = assign === 'optOut' || assign === 'optIn' ? assign : undefined;
  return { value, usable: value !== undefined, findings: value ? [] : [{ path: 'flag', message: 'unset' }] };
}

function mergeToy(parent: ToyState, nodeId: string, policies: readonly AttachedPolicy<ToyDocument>[]) {
  const own = policies.find((p) => p.document.value !== undefined);
  if (!own) return { state: parent, conflicts: [] };
  const source = { policyId: own.id, policyName: own.name, nodeId };
  return { state: { value: own.document.value, source }, conflicts: [] };
}

const EMPTY: ToyState = { value: undefined, source: undefined };
const TOY: PolicyType<ToyShapes> = {
  facts: {
    organizationsType: 'TOY_POLICY',
    title: 'Toy policies',
    noun: 'toy policy',
    nounPlural: 'toy policies',
    statementName: 'Toy',
    maxPoliciesPerTarget: 1,
    maxDocumentCharacters: 100,
    notApplied: { partitions: [], because: '' },
  },
  documents: { parse: parseToy, describe: (policy) => `flag ${policy.flag}` },
  engine: {
    empty: EMPTY,
    merge: mergeToy,
    changes: (before, after) =>
      before.value === after.value
        ? []
        : [{ service: 'flag', from: before.value ?? 'unset', to: after.value ?? 'unset' }],
  },
  expect: {
    rule: 'flag is optOut',
    breaches: (_tree, state) =>
      state.value === 'optOut'
        ? []
        : [
            {
              service: 'flag',
              expected: 'optOut',
              actual: state.value ?? 'unset',
              cause: state.source ? `${state.source.policyId}@${state.source.nodeId}` : 'none',
              causeDetail: 'toy',
            },
          ],
  },
  aws: {
    settings: (state) => new Map(state.value ? [['flag', state.value]] : []),
    document: () => ({ services: {} }),
    parse: () => ({ settings: new Map() }),
    differences: () => [],
    decidedAt: (state) => state.source?.nodeId,
    stateOf: (local) => local,
    serviceAt: () => 'flag',
    unenforced: { expected: 'optOut', actual: 'unset' },
  },
  desiredState: {
    policyFields: {},
    expectSchema: z.strictObject({}),
    checkPolicy: () => ({ settings: { flag: 'optOut' }, content: '{"flag":{"@@assign":"optOut"}}' }),
    checkExpect: () => undefined,
  },
};

const toyContent = (value: string) => JSON.stringify({ flag: { '@@assign': value } });

describe('a second policy type plugs into the generic code', () => {
  const org = new OrgBuilder().account('prod', 'Workloads').account('sandbox', 'Sandbox');
  org.policy('toy-in', toyContent('optIn'), ['root'], { managed: true, type: 'TOY_POLICY' });
  const snapshot = org.build();
  const tree = new OrgTree(snapshot);

  it('the plan enables the type by its own name, which the root does not list', () => {
    const draft = newDraft(TOY, tree);

    const enabled = checkPolicyType(draft, snapshot.root);

    expect(enabled).toBe(false);
    expect(draft.changes).toEqual([
      expect.objectContaining({
        action: 'enable-policy-type',
        detail: 'TOY_POLICY is not enabled on r-test; no toy policy applies until it is enabled',
      }),
    ]);
  });

  it('documents are parsed, walked and judged by the type: effective changes and violations are its own', () => {
    const existing = existingPolicies(TOY, snapshot);
    expect(existing.all.map((p) => p.document.value)).toEqual(['optIn']);
    const current = new EffectivePolicies(TOY.engine, tree, currentAttachments(existing, true));
    const sandboxOut = new Map([
      [org.idOf('Sandbox'), [{ id: 'p-new', name: 'toy-out', document: parseToy(toyContent('optOut')) }]],
      [tree.root.id, [...currentAttachments(existing, true).values()].flat()],
    ]);
    const after = new EffectivePolicies(TOY.engine, tree, sandboxOut);
    const everywhere = new Map(tree.accounts.map((a) => [a.id, new Set<string>()]));
    const expectation: ExpectBlock = { location: { file: 'x', line: 1, col: 1 }, except: [] };

    const effects = accountEffects(TOY, current, after, [{ expectation, exempt: everywhere }]);

    expect(effects.effectiveChanges.map((c) => [c.accountName, c.service, c.from, c.to])).toEqual([
      ['sandbox', 'flag', 'optIn', 'optOut'],
    ]);
    expect(effects.violations.map((v) => [v.accountName, v.service, v.actual, v.cause])).toEqual([
      ['prod', 'flag', 'optIn', `${existing.all[0]?.snapshot.id}@r-test`],
      ['sandbox', 'flag', 'optIn', `${existing.all[0]?.snapshot.id}@r-test`],
    ]);
    expect(effects.nonCompliant).toBe(2);
  });

  it("declared policies are described and counted against the type's own limit", () => {
    const draft = newDraft(TOY, tree);
    const location = { file: 'toy.yaml', line: 3, col: 5 };
    const declared = {
      name: 'toy-out',
      description: 'd',
      adopt: false,
      targets: [{ ref: { kind: 'root' as const }, location }],
      content: toyContent('optOut'),
      location,
      flag: 'optOut' as const,
    };

    planDeclaredPolicies(draft, [declared], existingPolicies(TOY, snapshot), true);
    draft.after
      .get(tree.root.id)
      ?.push({ id: 'p-other', name: 'other', document: parseToy(toyContent('optIn')) });
    checkTargetLimit(draft, 'toy.yaml');

    expect(draft.changes.map((c) => c.detail)).toEqual([
      'create toy-out (flag optOut)',
      'attach toy-out to Root',
    ]);
    expect(draft.problems.map((p) => p.message)).toEqual([
      'Root would carry 2 toy policies (toy-out, other); AWS allows at most 1',
    ]);
  });
});
