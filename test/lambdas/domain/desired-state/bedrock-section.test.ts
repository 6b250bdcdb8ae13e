/**
 * The desired state's `bedrock:` section: a section of version 1 that a file may leave out (and that
 * changes nothing of what the rest means), validated as the rest is (file:line:col, did-you-mean), with
 * the checks that keep a guardrail AWS would store and then fail every Bedrock call with out of the
 * organization [ORG-BEDROCK-INVALID-IDENTIFIER].
 */
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../../lambdas/domain/desired-state/loader.ts';
import { desiredStateJsonSchema } from '../../../../lambdas/domain/desired-state/schema.ts';
import { renderBedrockDocument } from '../../../../lambdas/domain/policy-types/bedrock/render.ts';
import {
  BEDROCK_LINE,
  BEDROCK_SECTION,
  EXAMPLE_WITH_BEDROCK,
  GUARDRAIL_EAST,
  GUARDRAIL_WEST,
} from '../../../support/bedrock-section.ts';
import { EXAMPLE_YAML, exampleDesiredState } from '../../../support/example-desired-state.ts';

const FILE = 'ai-optout.yaml';

function load(text: string) {
  return loadDesiredState(text, { file: FILE });
}

/** The errors of a file: `line:col code message; hint`. */
function errorsOf(text: string): string[] {
  const result = load(text);
  expect(result.ok).toBe(false);
  return result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.location.line}:${d.location.col} ${d.code} ${d.message}${d.hint ? `; ${d.hint}` : ''}`);
}

/** The file with one Region's entry of the section changed. */
const withEast = (entry: string) =>
  EXAMPLE_WITH_BEDROCK.replace(
    `        us-east-1:\n          guardrail: ${GUARDRAIL_EAST}\n          version: 3\n`,
    `        us-east-1:\n${entry}`,
  );
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('a version 1 file with a bedrock section', () => {
  it('loads its policies with their rendered documents, and its expect rules', () => {
    const result = load(EXAMPLE_WITH_BEDROCK);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    const section = result.state.bedrock;

    expect(section?.location).toEqual({ file: FILE, line: BEDROCK_LINE, col: 1 });
    expect(section?.policies).toHaveLength(1);
    const [policy] = section?.policies ?? [];
    expect(policy).toMatchObject({
      name: 'bedrock-guardrails-production',
      description: 'Every model call in production is guarded',
      lock: 'declared',
      adopt: false,
      targets: [{ ref: { kind: 'ou', ref: 'Workloads/Prod' } }],
    });
    expect(policy?.content).toBe(
      renderBedrockDocument({
        lock: 'declared',
        regions: {
          'us-east-1': {
            guardrail: GUARDRAIL_EAST,
            version: 3,
            system: 'selective',
            excludedModels: ['amazon.titan-embed-text-v2:0', 'cohere.embed-english-v3'],
          },
          'eu-west-1': { guardrail: GUARDRAIL_WEST, version: 1 },
        },
      }),
    );
    expect(section?.expect?.rules.map((r) => [r.target.ref, [...r.regions]])).toEqual([
      [
        { kind: 'ou', ref: 'Workloads/Prod' },
        [
          ['us-east-1', { guardrail: GUARDRAIL_EAST, minVersion: 3 }],
          ['eu-west-1', { guardrail: GUARDRAIL_WEST, minVersion: 1 }],
        ],
      ],
    ]);
  });

  it('leaves the rest of the file meaning exactly what it means without the section', () => {
    const { bedrock, ...withSection } = (
      load(EXAMPLE_WITH_BEDROCK) as { state: ReturnType<typeof exampleDesiredState> }
    ).state;
    const { bedrock: none, ...without } = exampleDesiredState(FILE);

    expect(none).toBeUndefined();
    expect(bedrock).toBeDefined();
    expect(withSection).toEqual(without);
  });

  it('a policy without a description gets the Bedrock one', () => {
    const result = load(
      EXAMPLE_WITH_BEDROCK.replace('      description: Every model call in production is guarded\n', ''),
    );

    expect(result.ok && result.state.bedrock?.policies[0]?.description).toBe(
      'Amazon Bedrock policy managed by ai-optout',
    );
  });
});

describe('a bad bedrock section: one error per problem, at file:line:col', () => {
  it.each([
    [
      'a misspelt key of the section',
      EXAMPLE_WITH_BEDROCK.replace('  policies:\n    - name: bedrock', '  polices:\n    - name: bedrock'),
      'polices:',
      /unknown-key unknown key `polices` in bedrock; did you mean `policies`\?/,
    ],
    [
      'a misspelt setting',
      withEast(`          guardrail: ${GUARDRAIL_EAST}\n          version: 3\n          sytem: selective\n`),
      'sytem',
      /unknown-key unknown key `sytem` in bedrock\.policies\[0\]\.guardrails\.us-east-1; did you mean `system`\?/,
    ],
    [
      'a mode in capitals',
      EXAMPLE_WITH_BEDROCK.replace('system: selective', 'system: Selective'),
      'system: Selective',
      /invalid-value .*`Selective` is not allowed; expected `selective` or `comprehensive`.*did you mean `selective`\?/,
    ],
    [
      'a Region code without its hyphen',
      EXAMPLE_WITH_BEDROCK.replace('        us-east-1:\n', '        us-east1:\n'),
      'us-east1:',
      /invalid-region bedrock\.policies\[0\]\.guardrails: `us-east1` is not an AWS Region code; did you mean `us-east-1`\?/,
    ],
    [
      'a DRAFT version',
      withEast(`          guardrail: ${GUARDRAIL_EAST}\n          version: DRAFT\n`),
      'version: DRAFT',
      /draft-version .*version: DRAFT cannot be enforced; AWS requires a numbered version of the guardrail; publish a version/,
    ],
    [
      'a version in the ARN',
      withEast(`          guardrail: ${GUARDRAIL_EAST}:3\n          version: 3\n`),
      `${GUARDRAIL_EAST}:3`,
      /version-in-arn .*carries a version \(:3\); write `guardrail: arn:aws:bedrock:us-east-1:111122223333:guardrail\/east1guard` and the version as `version: 3`/,
    ],
    [
      'a guardrail of another Region',
      withEast(`          guardrail: ${GUARDRAIL_WEST}\n          version: 3\n`),
      `guardrail: ${GUARDRAIL_WEST}\n          version: 3`,
      /guardrail-region .*is a guardrail of eu-west-1, declared under us-east-1; AWS enforces a guardrail only in the Region it was created in/,
    ],
    [
      'a malformed identifier',
      withEast('          guardrail: east1guard\n          version: 3\n'),
      'guardrail: east1guard',
      /invalid-guardrail-arn .*`east1guard` is not a guardrail ARN; AWS says a malformed identifier makes every Bedrock call of the accounts below fail/,
    ],
    [
      'a quoted version',
      withEast(`          guardrail: ${GUARDRAIL_EAST}\n          version: "3"\n`),
      'version: "3"',
      /invalid-version .*`3` is not a version number from 1 to 99999999; write `version: 3` without quotes/,
    ],
    [
      'ALL among the excluded models',
      EXAMPLE_WITH_BEDROCK.replace('excludedModels: [amazon', 'excludedModels: [ALL, amazon'),
      'excludedModels: [ALL',
      /invalid-model-id .*excludedModels\[0\]: `ALL` is not a Bedrock model id .*; `ALL` is allowed only in includedModels/,
    ],
    [
      'an empty list of included models',
      withEast(
        `          guardrail: ${GUARDRAIL_EAST}\n          version: 3\n          includedModels: []\n`,
      ),
      'includedModels: []',
      /empty-models .*an empty list; AWS's API requires at least one model; write `\[ALL\]` for every model/,
    ],
    [
      'a minVersion of 0 in expect',
      EXAMPLE_WITH_BEDROCK.replace('minVersion: 3', 'minVersion: 0'),
      'minVersion: 0',
      /too-small bedrock\.expect\.guardrails\[0\]\.regions\.us-east-1\.minVersion: `0` is less than 1/,
    ],
    [
      'a rule target misspelt',
      EXAMPLE_WITH_BEDROCK.replace('- target: { ou: Workloads/Prod }', '- target: { ous: Workloads/Prod }'),
      'ous: Workloads',
      /unknown-key bedrock\.expect\.guardrails\[0\]\.target: unknown key `ous` in a target.*did you mean `ou`\?/,
    ],
  ])('%s', (_name, text, needle, message) => {
    const errors = errorsOf(text);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(errors[0]?.split(' ')[0]?.split(':')[0]).toBe(
      String(lineOf(text, needle.split('\n')[0] as string)),
    );
  });

  it('hostile keys and values: a __proto__ Region is refused, a control character is shown escaped', () => {
    const proto = EXAMPLE_WITH_BEDROCK.replace('        eu-west-1:\n', '        __proto__:\n');
    const controlChars = withEast(
      `          guardrail: "${GUARDRAIL_EAST}\\u001b[31m"\n          version: 3\n`,
    );

    expect(errorsOf(proto)).toEqual([
      `${lineOf(proto, '__proto__:')}:9 invalid-region bedrock.policies[0].guardrails: \`__proto__\` is not an AWS Region code; Region codes look like \`us-east-1\` or \`eu-central-2\``,
    ]);
    const expectProto = EXAMPLE_WITH_BEDROCK.replace(
      `          eu-west-1: { guardrail: "${GUARDRAIL_WEST}", minVersion: 1 }`,
      `          __proto__: { guardrail: "${GUARDRAIL_WEST}", minVersion: 1 }`,
    );
    expect(errorsOf(expectProto)).toEqual([
      `${lineOf(expectProto, '__proto__:')}:11 invalid-region bedrock.expect.guardrails[0].regions: \`__proto__\` is not an AWS Region code; Region codes look like \`us-east-1\` or \`eu-central-2\``,
    ]);
    const [error] = errorsOf(controlChars);
    expect(error).toMatch(/invalid-guardrail-arn /);
    expect(error).not.toContain('\u001b');
    expect(error).toContain('\\u001b');
  });

  it('two Bedrock policies of one name: the second is named, with the line of the first', () => {
    const second = `    - name: bedrock-guardrails-production\n      guardrails:\n        us-east-1: { guardrail: "${GUARDRAIL_EAST}", version: 4 }\n      targets: [root]\n`;
    const text = `${EXAMPLE_YAML}${BEDROCK_SECTION.replace('  expect:', `${second}  expect:`)}`;
    const first = lineOf(text, '- name: bedrock-guardrails-production');

    expect(errorsOf(text)).toEqual([
      `${first + 14}:13 duplicate-policy-name bedrock.policies[1].name: duplicate policy name \`bedrock-guardrails-production\` (first declared at line ${first}); policy names are unique in an organization; rename one`,
    ]);
  });

  it('a rendered document over 10,000 characters is refused, naming its size', () => {
    const models = Array.from({ length: 600 }, (_, i) => `vendor.model-${i}`).join(', ');
    const errors = errorsOf(
      EXAMPLE_WITH_BEDROCK.replace(
        'excludedModels: [amazon.titan-embed-text-v2:0, cohere.embed-english-v3]',
        `excludedModels: [${models}]`,
      ),
    );

    expect(errors).toEqual([
      expect.stringMatching(
        /document-too-long bedrock\.policies\[0\] \(bedrock-guardrails-production\): the rendered document has 1\d{4} characters, more than the 10000 AWS allows/,
      ),
    ]);
  });
});

describe('the JSON Schema for editors', () => {
  it('describes the section, its policies and its expect rules', () => {
    const schema = desiredStateJsonSchema() as {
      properties: Record<string, { properties: Record<string, unknown> }>;
    };

    expect(Object.keys(schema.properties)).toEqual([
      'version',
      'mode',
      'unmanaged',
      'policies',
      'expect',
      'bedrock',
    ]);
    expect(Object.keys(schema.properties.bedrock?.properties ?? {})).toEqual([
      'unmanaged',
      'policies',
      'expect',
    ]);
  });
});

describe("a guardrail's version: a number from 1 to 99999999, as AWS numbers them", () => {
  const withVersion = (version: string) =>
    withEast(`          guardrail: ${GUARDRAIL_EAST}\n          version: ${version}\n`);
  const versionOf = (text: string) => {
    const result = load(text);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    return result.state.bedrock?.policies[0]?.regions['us-east-1']?.version;
  };

  it.each([
    ['1', 1],
    ['99999999', 99999999],
  ])('version %s is read', (written, version) => {
    expect(versionOf(withVersion(written))).toBe(version);
  });

  it.each([
    ['0', /invalid-version .*`0` is not a version number from 1 to 99999999$/],
    ['100000000', /invalid-version .*`100000000` is not a version number from 1 to 99999999$/],
    ['2.5', /invalid-version .*`2\.5` is not a version number from 1 to 99999999$/],
    ['-3', /invalid-version .*`-3` is not a version number from 1 to 99999999$/],
    ['draft', /draft-version .*DRAFT cannot be enforced/],
    ['"99999999"', /invalid-version .*; write `version: 99999999` without quotes$/],
    ['"03"', /invalid-version .*`03` is not a version number from 1 to 99999999$/],
    ['"3 "', /invalid-version .*is not a version number from 1 to 99999999$/],
    ['"123456789"', /invalid-version .*`123456789` is not a version number from 1 to 99999999$/],
  ])('version %s is refused, on its line', (written, message) => {
    const text = withVersion(written);
    const errors = errorsOf(text);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(errors[0]?.split(':')[0]).toBe(String(lineOf(text, `version: ${written}`)));
  });
});

describe("a Bedrock policy's Regions and model lists: each problem once, at its path and its file:line:col", () => {
  const guardrails = `      guardrails:\n        us-east-1:\n          guardrail: ${GUARDRAIL_EAST}\n          version: 3\n          system: selective\n          excludedModels: [amazon.titan-embed-text-v2:0, cohere.embed-english-v3]\n        eu-west-1:\n          guardrail: ${GUARDRAIL_WEST}\n          version: 1\n`;
  const east = 'bedrock.policies[0].guardrails.us-east-1';
  const withGuardrail = (arn: string) => withEast(`          guardrail: ${arn}\n          version: 3\n`);
  const eastSettings =
    '          system: selective\n          excludedModels: [amazon.titan-embed-text-v2:0, cohere.embed-english-v3]\n';
  /** The file with us-east-1's model lists (and no other optional setting) replaced by `lists`. */
  const withModels = (lists: string) =>
    withEast(`          guardrail: ${GUARDRAIL_EAST}\n          version: 3\n${lists}`).replace(
      eastSettings,
      '',
    );

  it.each([
    [
      'guardrails naming no Region',
      EXAMPLE_WITH_BEDROCK.replace(guardrails, '      guardrails: {}\n'),
      'guardrails: {}',
      7,
      'empty-policy bedrock.policies[0] (bedrock-guardrails-production): `guardrails` names no Region; add a Region such as `us-east-1:` with its guardrail',
    ],
    [
      // The usual slip, before a two-digit Region number too.
      'a Region code without its hyphen before two digits',
      EXAMPLE_WITH_BEDROCK.replace('        us-east-1:\n', '        us-east10:\n'),
      'us-east10:',
      9,
      'invalid-region bedrock.policies[0].guardrails: `us-east10` is not an AWS Region code; did you mean `us-east-10`?',
    ],
    [
      // BEDROCK-GUARDRAIL-FORMATS: ALL is the keyword, in capitals.
      'all in lower case among the included models',
      withModels('          includedModels: [all]\n'),
      'includedModels: [all]',
      28,
      `invalid-model-id ${east}.includedModels[0]: \`all\` is not a Bedrock model id such as amazon.titan-embed-text-v2:0; did you mean \`ALL\`?`,
    ],
    [
      'a model id in capitals, with no hint',
      withModels('          excludedModels: [cohere.embed-english-v3, Amazon.Nova-Pro-V1]\n'),
      'excludedModels: [cohere',
      53,
      `invalid-model-id ${east}.excludedModels[1]: \`Amazon.Nova-Pro-V1\` is not a Bedrock model id such as amazon.titan-embed-text-v2:0`,
    ],
    [
      // BEDROCK-GUARDRAIL-FORMATS: the API requires at least one included model.
      'an empty list of included models',
      withModels('          includedModels: []\n'),
      'includedModels: []',
      27,
      `empty-models ${east}.includedModels: an empty list; AWS's API requires at least one model; write \`[ALL]\` for every model`,
    ],
    [
      'a two-digit version in the ARN',
      withGuardrail(`${GUARDRAIL_EAST}:12`),
      'guardrail: arn',
      22,
      `version-in-arn ${east}.guardrail: \`${GUARDRAIL_EAST}:12\` carries a version (:12); write \`guardrail: ${GUARDRAIL_EAST}\` and the version as \`version: 12\``,
    ],
    [
      // ORG-BEDROCK-INVALID-IDENTIFIER: the whole value is the identifier AWS would store.
      'an ARN with a version and more after it',
      withGuardrail(`${GUARDRAIL_EAST}:3/x`),
      'guardrail: arn',
      22,
      `invalid-guardrail-arn ${east}.guardrail: \`${GUARDRAIL_EAST}:3/x\` is not a guardrail ARN; AWS says a malformed identifier makes every Bedrock call of the accounts below fail; write arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`,
    ],
    [
      'an ARN with a version on a second line',
      withGuardrail(`"note\\n${GUARDRAIL_EAST}:3"`),
      'guardrail: "note',
      22,
      `invalid-guardrail-arn ${east}.guardrail: \`note\\n${GUARDRAIL_EAST}:3\` is not a guardrail ARN; AWS says a malformed identifier makes every Bedrock call of the accounts below fail; write arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`,
    ],
    [
      // ORG-BEDROCK-SYNTAX: a guardrail is listed under the Region it is in.
      'a guardrail of another Region',
      withGuardrail(GUARDRAIL_WEST),
      'guardrail: arn',
      22,
      `guardrail-region ${east}.guardrail: \`${GUARDRAIL_WEST}\` is a guardrail of eu-west-1, declared under us-east-1; AWS enforces a guardrail only in the Region it was created in; move it under \`eu-west-1:\`, or name the guardrail of us-east-1`,
    ],
  ])('%s', (_name, text, needle, col, error) => {
    expect(errorsOf(text)).toEqual([`${lineOf(text, needle)}:${col} ${error}`]);
  });

  it.each([
    ['ALL as the included models', '          includedModels: [ALL]\n', { includedModels: ['ALL'] }],
    ['an empty list of excluded models', '          excludedModels: []\n', { excludedModels: [] }],
    [
      'a model in both lists (AWS excludes it)',
      '          includedModels: [amazon.nova-pro-v1:0]\n          excludedModels: [amazon.nova-pro-v1:0]\n',
      { includedModels: ['amazon.nova-pro-v1:0'], excludedModels: ['amazon.nova-pro-v1:0'] },
    ],
  ])('%s is read', (_name, lists, expected) => {
    const result = load(withModels(lists));
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));

    expect(result.state.bedrock?.policies[0]?.regions['us-east-1']).toEqual({
      guardrail: GUARDRAIL_EAST,
      version: 3,
      ...expected,
    });
  });
});

describe('the rendered document holds at most 10,000 characters [ORG-BEDROCK-QUOTAS]', () => {
  const list = 'excludedModels: [amazon.titan-embed-text-v2:0, cohere.embed-english-v3]';
  const withModels = (models: string[]) =>
    EXAMPLE_WITH_BEDROCK.replace(list, `excludedModels: [${models.join(', ')}]`);
  const contentLength = (text: string) => {
    const result = load(text);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    return result.state.bedrock?.policies[0]?.content.length ?? 0;
  };
  /** A model id of `length` characters (3 to 127: two parts of at most 63). */
  const modelOf = (length: number) => {
    const first = Math.min(63, length - 2);
    return `${'v'.repeat(first)}.${'m'.repeat(length - 1 - first)}`;
  };
  /** The example with excluded models that make its rendered document `length` characters long. */
  const documentOf = (length: number) => {
    // Each further model of 127 characters adds 130: `,"` and `"` around it.
    const shortest = contentLength(withModels([modelOf(3)])) - 3;
    const full = Math.floor((length - shortest - 3) / 130);
    const last = length - shortest - full * 130;
    return withModels([modelOf(last), ...Array.from({ length: full }, () => modelOf(127))]);
  };

  it('a document of exactly 10,000 characters is accepted', () => {
    expect(contentLength(documentOf(10000))).toBe(10000);
  });

  it('a document of 10,001 is refused, at the policy name (wherever the entry writes it), naming its size', () => {
    const text = documentOf(10001).replace(
      '    - name: bedrock-guardrails-production\n      description: Every model call in production is guarded\n',
      '    - description: Every model call in production is guarded\n      name: bedrock-guardrails-production\n',
    );

    expect(errorsOf(text)).toEqual([
      `${lineOf(text, '  name: bedrock')}:7 document-too-long bedrock.policies[0] (bedrock-guardrails-production): the rendered document has 10001 characters, more than the 10000 AWS allows; split the Regions over two policies, or shorten the model lists`,
    ]);
  });
});

describe("the section's expect rules: located, and each problem once at its path", () => {
  const rule = 'bedrock.expect.guardrails[0]';

  it('a section without expect rules has none', () => {
    const result = load(
      EXAMPLE_WITH_BEDROCK.slice(0, EXAMPLE_WITH_BEDROCK.indexOf('  expect:\n    guardrails:')),
    );
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));

    expect(result.state.bedrock?.policies).toHaveLength(1);
    expect(result.state.bedrock?.expect).toBeUndefined();
  });

  it('the section, a rule and its target are located at what the file writes', () => {
    const result = load(EXAMPLE_WITH_BEDROCK);
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
    const expectation = result.state.bedrock?.expect;
    const target = lineOf(EXAMPLE_WITH_BEDROCK, '- target: { ou: Workloads/Prod }');

    const section = EXAMPLE_WITH_BEDROCK.split('\n').indexOf('  expect:') + 1;

    expect(expectation?.location).toEqual({ file: FILE, line: section, col: 3 });
    expect(expectation?.rules.map((r) => [r.location, r.target.location])).toEqual([
      [
        { file: FILE, line: target, col: 9 },
        { file: FILE, line: target, col: 17 },
      ],
    ]);
  });

  /** The file with the rule's `regions:` value (what follows the key) replaced. */
  const withRegions = (regions: string) =>
    EXAMPLE_WITH_BEDROCK.replace(/ {8}regions:\n(?: {10}.*\n)+/, `        regions:${regions}`);

  it.each([
    [
      'regions naming no Region',
      withRegions(' {}\n'),
      'regions: {}',
      9,
      `empty-rule ${rule}.regions: names no Region`,
    ],
    [
      'a Region code without its hyphen (its guardrail is not checked against it)',
      withRegions(`\n          us-east1: { guardrail: "${GUARDRAIL_EAST}", minVersion: 3 }\n`),
      'us-east1:',
      11,
      `invalid-region ${rule}.regions: \`us-east1\` is not an AWS Region code; did you mean \`us-east-1\`?`,
    ],
    [
      'a version in the ARN, to be written as minVersion',
      withRegions(`\n          us-east-1: { guardrail: "${GUARDRAIL_EAST}:3", minVersion: 3 }\n`),
      'us-east-1: { guardrail',
      35,
      `version-in-arn ${rule}.regions.us-east-1.guardrail: \`${GUARDRAIL_EAST}:3\` carries a version (:3); write \`guardrail: ${GUARDRAIL_EAST}\` and the version as \`minVersion: 3\``,
    ],
    [
      'an account id of five digits as the target',
      EXAMPLE_WITH_BEDROCK.replace('- target: { ou: Workloads/Prod }', '- target: { account: "12345" }'),
      '- target: { account',
      28,
      `invalid-account-id ${rule}.target.account: \`12345\` has 5 digits; account ids have 12`,
    ],
  ])('%s', (_name, text, needle, col, error) => {
    expect(errorsOf(text)).toEqual([`${lineOf(text, needle)}:${col} ${error}`]);
  });
});
