import { describe, expect, it } from 'vitest';
import {
  documentTooLong,
  OP_ASSIGN,
  OPS_ALL,
  OPS_NONE,
  parsePolicyDocument,
  renderPolicyDocument,
} from '../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { sameDocument } from '../../../lambdas/domain/policy-types/json-document.ts';

const NONE = '"@@operators_allowed_for_child_policies":["@@none"]';

describe('renderPolicyDocument', () => {
  it('lock all puts @@none under services, every entry and every opt_out_policy (AWS Example 1)', () => {
    const content = renderPolicyDocument({ default: 'optOut', lock: 'all' });
    expect(content).toBe(
      `{"services":{${NONE},"default":{${NONE},"opt_out_policy":{${NONE},"@@assign":"optOut"}}}}`,
    );
  });

  it('lock declared locks each declared entry and its opt_out_policy but not services', () => {
    const content = renderPolicyDocument({ default: 'optOut', services: { lex: 'optIn' }, lock: 'declared' });
    expect(content).toBe(
      `{"services":{"default":{${NONE},"opt_out_policy":{${NONE},"@@assign":"optOut"}},"lex":{${NONE},"opt_out_policy":{${NONE},"@@assign":"optIn"}}}}`,
    );
  });

  it('lock none renders AWS create-page syntax with no operators', () => {
    const content = renderPolicyDocument({
      default: 'optOut',
      services: { rekognition: 'optIn' },
      lock: 'none',
    });
    expect(content).toBe(
      '{"services":{"default":{"opt_out_policy":{"@@assign":"optOut"}},"rekognition":{"opt_out_policy":{"@@assign":"optIn"}}}}',
    );
  });

  it('is canonical: default first, then services sorted, whatever order they were declared in', () => {
    const a = renderPolicyDocument({
      default: 'optOut',
      services: { translate: 'optOut', lex: 'optIn', comprehend: 'optOut' },
      lock: 'none',
    });
    const keys = Object.keys(JSON.parse(a).services);
    expect(keys).toEqual(['default', 'comprehend', 'lex', 'translate']);
    const b = renderPolicyDocument({
      services: { comprehend: 'optOut', translate: 'optOut', lex: 'optIn' },
      default: 'optOut',
      lock: 'none',
    });
    expect(b).toBe(a);
  });

  it('renders documents that parse back to the same settings and locks', () => {
    const parsed = parsePolicyDocument(
      renderPolicyDocument({ default: 'optOut', services: { lex: 'optIn' }, lock: 'all' }),
    );
    expect(parsed.findings).toEqual([]);
    expect(parsed.servicesOps).toBe(OPS_NONE);
    expect(parsed.entries.get('default')).toEqual({
      entryOps: OPS_NONE,
      setting: 'optOut',
      settingOps: OPS_NONE,
    });
    expect(parsed.entries.get('lex')).toEqual({ entryOps: OPS_NONE, setting: 'optIn', settingOps: OPS_NONE });
  });
});

describe('parsePolicyDocument', () => {
  it('reads hand-written content with whitespace and operators at any position', () => {
    const parsed = parsePolicyDocument(`{
      "services": {
        "default": { "opt_out_policy": { "@@assign": "optOut", "@@operators_allowed_for_child_policies": ["@@assign"] } },
        "@@operators_allowed_for_child_policies": ["@@none"]
      }
    }`);
    expect(parsed.usable).toBe(true);
    expect(parsed.findings).toEqual([]);
    expect(parsed.servicesOps).toBe(OPS_NONE);
    expect(parsed.entries.get('default')).toEqual({ setting: 'optOut', settingOps: OP_ASSIGN });
  });

  it('turns invalid JSON into a finding, never an exception', () => {
    const parsed = parsePolicyDocument('{"services": {');
    expect(parsed.usable).toBe(false);
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]?.message).toMatch(/not valid JSON/);
  });

  it('reports a document without a services object', () => {
    for (const content of ['[]', '{"Services":{}}', '{"services":"optOut"}', 'null']) {
      const parsed = parsePolicyDocument(content);
      expect(parsed.usable, content).toBe(false);
      expect(parsed.findings.map((f) => f.message).join()).toMatch(/no "services" object/);
    }
  });

  it('ignores a wrong-case value with a finding that names the expected spelling', () => {
    const parsed = parsePolicyDocument('{"services":{"default":{"opt_out_policy":{"@@assign":"OptOut"}}}}');
    expect(parsed.entries.get('default')?.setting).toBeUndefined();
    expect(parsed.findings).toEqual([
      {
        path: 'services.default.opt_out_policy.@@assign',
        message: expect.stringContaining('expected "optOut"'),
      },
    ]);
  });

  it('reports a missing @@assign, a misplaced @@assign and the effective-policy format', () => {
    const parsed = parsePolicyDocument(
      JSON.stringify({
        services: {
          lex: { opt_out_policy: {} },
          polly: { '@@assign': 'optOut', opt_out_policy: { '@@assign': 'optOut' } },
          textract: { opt_out_policy: 'optIn' },
        },
      }),
    );
    const messages = parsed.findings.map((f) => `${f.path}: ${f.message}`);
    expect(messages).toEqual([
      'services.lex.opt_out_policy: has no "@@assign"; it sets nothing',
      'services.polly.@@assign: "@@assign" belongs inside "opt_out_policy"; ignored',
      expect.stringMatching(/^services\.textract\.opt_out_policy: .*effective-policy format/),
    ]);
    expect(parsed.entries.get('lex')?.setting).toBeUndefined();
    expect(parsed.entries.get('polly')?.setting).toBe('optOut');
    expect(parsed.entries.get('textract')?.setting).toBeUndefined();
  });

  it('rejects @@append, @@remove and @@enforced_for, which AI opt-out policies do not allow', () => {
    const parsed = parsePolicyDocument(
      '{"services":{"lex":{"opt_out_policy":{"@@assign":"optOut","@@append":"optIn","@@remove":"x","@@enforced_for":["a"]}}}}',
    );
    expect(parsed.findings.map((f) => f.path)).toEqual([
      'services.lex.opt_out_policy.@@append',
      'services.lex.opt_out_policy.@@remove',
      'services.lex.opt_out_policy.@@enforced_for',
    ]);
    expect(parsed.entries.get('lex')?.setting).toBe('optOut');
  });

  it('reads operator lists: @@all, combinations, and malformed lists ignored as no lock', () => {
    const parsed = parsePolicyDocument(
      JSON.stringify({
        services: {
          a: {
            opt_out_policy: { '@@assign': 'optOut', '@@operators_allowed_for_child_policies': ['@@all'] },
          },
          b: {
            opt_out_policy: {
              '@@assign': 'optOut',
              '@@operators_allowed_for_child_policies': ['@@assign', '@@remove'],
            },
          },
          c: { opt_out_policy: { '@@assign': 'optOut', '@@operators_allowed_for_child_policies': '@@none' } },
          d: {
            opt_out_policy: {
              '@@assign': 'optOut',
              '@@operators_allowed_for_child_policies': ['@@none', '@@assign'],
            },
          },
          e: {
            opt_out_policy: { '@@assign': 'optOut', '@@operators_allowed_for_child_policies': ['@@NONE'] },
          },
        },
      }),
    );
    expect(parsed.entries.get('a')?.settingOps).toBe(OPS_ALL);
    expect(parsed.entries.get('b')?.settingOps).toBe(OP_ASSIGN | 4);
    expect(parsed.entries.get('c')?.settingOps).toBeUndefined();
    expect(parsed.entries.get('d')?.settingOps).toBe(OPS_NONE);
    expect(parsed.entries.get('e')?.settingOps).toBeUndefined();
    expect(parsed.findings.map((f) => f.path)).toEqual([
      'services.c.opt_out_policy.@@operators_allowed_for_child_policies',
      'services.d.opt_out_policy.@@operators_allowed_for_child_policies',
      'services.e.opt_out_policy.@@operators_allowed_for_child_policies',
    ]);
  });

  it('flags upper-case service keys and unknown keys', () => {
    const parsed = parsePolicyDocument(
      '{"services":{"Rekognition":{"opt_out_policy":{"@@assign":"optOut"}},"lex":{"opt_out_policies":{"@@assign":"optOut"}}},"version":1}',
    );
    const messages = parsed.findings.map((f) => `${f.path}: ${f.message}`);
    expect(messages).toContain('version: unknown top-level key; ignored');
    expect(messages.some((m) => m.startsWith('services.Rekognition: ') && m.includes('"rekognition"'))).toBe(
      true,
    );
    expect(
      messages.some((m) => m.includes('opt_out_policies') && m.includes('the key is "opt_out_policy"')),
    ).toBe(true);
    expect(parsed.entries.get('lex')?.setting).toBeUndefined();
  });
});

describe('sameDocument', () => {
  it('compares as parsed JSON: whitespace and key order do not matter', () => {
    const rendered = renderPolicyDocument({ default: 'optOut', lock: 'all' });
    const pretty = JSON.stringify(JSON.parse(rendered), null, 4);
    const reordered =
      '{"services":{"default":{"opt_out_policy":{"@@assign":"optOut","@@operators_allowed_for_child_policies":["@@none"]},"@@operators_allowed_for_child_policies":["@@none"]},"@@operators_allowed_for_child_policies":["@@none"]}}';
    expect(sameDocument(rendered, pretty)).toBe(true);
    expect(sameDocument(rendered, reordered)).toBe(true);
  });

  it('sees a value or a lock difference', () => {
    const rendered = renderPolicyDocument({ default: 'optOut', lock: 'all' });
    expect(sameDocument(rendered, renderPolicyDocument({ default: 'optIn', lock: 'all' }))).toBe(false);
    expect(sameDocument(rendered, renderPolicyDocument({ default: 'optOut', lock: 'declared' }))).toBe(false);
    expect(sameDocument(rendered, '{not json')).toBe(false);
  });
});

/** A document of one service entry, `lex`, as JSON text. */
const lex = (entry: unknown) => JSON.stringify({ services: { lex: entry } });
const assign = (value: unknown) => lex({ opt_out_policy: { '@@assign': value } });
const OPS = '@@operators_allowed_for_child_policies';

describe('parsePolicyDocument: each finding, word for word, and what is left of the entry', () => {
  // The findings are what the report says of a hand-written policy [ORG-AI-SYNTAX]; `entries` is what
  // the effective-policy engine applies of it.
  const cases: [string, string, string[], Record<string, unknown>][] = [
    [
      'an entry that is no mapping',
      lex('optOut'),
      ['services.lex: must be an object with "opt_out_policy"; ignored'],
      {},
    ],
    [
      'an entry without opt_out_policy',
      lex({}),
      ['services.lex: has no "opt_out_policy"; it sets nothing'],
      { lex: {} },
    ],
    [
      'an unknown key of an entry',
      lex({ opt_out_policy: { '@@assign': 'optIn' }, foo: 1 }),
      ['services.lex.foo: unknown key; ignored'],
      { lex: { setting: 'optIn' } },
    ],
    [
      'opt_out_policies for opt_out_policy',
      lex({ opt_out_policies: { '@@assign': 'optIn' } }),
      [
        'services.lex.opt_out_policies: unknown key (the key is "opt_out_policy"); ignored',
        'services.lex: has no "opt_out_policy"; it sets nothing',
      ],
      { lex: {} },
    ],
    [
      'optOut as the effective format',
      lex({ opt_out_policy: 'optOut' }),
      [
        'services.lex.opt_out_policy: must be an object with "@@assign" (that is the effective-policy format; write {"@@assign": "optOut"}); ignored',
      ],
      { lex: {} },
    ],
    [
      'optIn as the effective format',
      lex({ opt_out_policy: 'optIn' }),
      [
        'services.lex.opt_out_policy: must be an object with "@@assign" (that is the effective-policy format; write {"@@assign": "optIn"}); ignored',
      ],
      { lex: {} },
    ],
    [
      'a number for opt_out_policy',
      lex({ opt_out_policy: 5 }),
      ['services.lex.opt_out_policy: must be an object with "@@assign"; ignored'],
      { lex: {} },
    ],
    [
      'a value in upper case',
      assign('OPTIN'),
      [
        'services.lex.opt_out_policy.@@assign: value "OPTIN" has the wrong case; AWS ignores it (expected "optIn")',
      ],
      { lex: { setting: undefined } },
    ],
    [
      'a value in lower case',
      assign('optout'),
      [
        'services.lex.opt_out_policy.@@assign: value "optout" has the wrong case; AWS ignores it (expected "optOut")',
      ],
      { lex: { setting: undefined } },
    ],
    [
      'another value',
      assign('yes'),
      ['services.lex.opt_out_policy.@@assign: value "yes" is not "optOut" or "optIn"; ignored'],
      { lex: { setting: undefined } },
    ],
    [
      'a number as value',
      assign(1),
      ['services.lex.opt_out_policy.@@assign: value 1 is not "optOut" or "optIn"; ignored'],
      { lex: { setting: undefined } },
    ],
    [
      'operators AI opt-out policies do not allow, and an unknown key',
      lex({
        opt_out_policy: {
          '@@assign': 'optOut',
          '@@append': 'optIn',
          '@@remove': 'x',
          '@@enforced_for': ['a'],
          '@@other': 1,
        },
      }),
      [
        'services.lex.opt_out_policy.@@append: @@append is not allowed in AI opt-out policies; ignored',
        'services.lex.opt_out_policy.@@remove: @@remove is not allowed in AI opt-out policies; ignored',
        'services.lex.opt_out_policy.@@enforced_for: @@enforced_for is not allowed in AI opt-out policies; ignored',
        'services.lex.opt_out_policy.@@other: unknown key; ignored',
      ],
      { lex: { setting: 'optOut' } },
    ],
    [
      'an empty operator list',
      lex({ [OPS]: [], opt_out_policy: { '@@assign': 'optOut' } }),
      [
        'services.lex.@@operators_allowed_for_child_policies: must be a non-empty JSON array such as ["@@none"]; ignored',
      ],
      { lex: { setting: 'optOut' } },
    ],
    [
      'an operator that is no text',
      lex({ [OPS]: [['@@all']], opt_out_policy: { '@@assign': 'optOut' } }),
      [
        'services.lex.@@operators_allowed_for_child_policies: unknown operator ["@@all"]; the lock is ignored',
      ],
      { lex: { setting: 'optOut' } },
    ],
    [
      // An object's inherited name is no operator: read as one, it locked everything (as @@none).
      'an operator named like an inherited property (constructor)',
      lex({ [OPS]: ['constructor'], opt_out_policy: { '@@assign': 'optOut' } }),
      [
        'services.lex.@@operators_allowed_for_child_policies: unknown operator "constructor"; the lock is ignored',
      ],
      { lex: { setting: 'optOut' } },
    ],
    [
      '@@none with another operator',
      lex({ [OPS]: ['@@assign', '@@none'], opt_out_policy: { '@@assign': 'optOut' } }),
      [
        'services.lex.@@operators_allowed_for_child_policies: "@@none" cannot be combined with other operators; read as ["@@none"]',
      ],
      { lex: { setting: 'optOut', entryOps: OPS_NONE } },
    ],
    [
      'an entry lock',
      lex({ [OPS]: ['@@assign'], opt_out_policy: { '@@assign': 'optOut' } }),
      [],
      { lex: { setting: 'optOut', entryOps: OP_ASSIGN } },
    ],
    [
      'an operator under services',
      JSON.stringify({ services: { '@@assign': { opt_out_policy: { '@@assign': 'optOut' } } } }),
      ['services.@@assign: operator @@assign is not allowed under "services"; ignored'],
      {},
    ],
    [
      'a lock under services',
      JSON.stringify({ services: { [OPS]: 'none' } }),
      [
        'services.@@operators_allowed_for_child_policies: must be a non-empty JSON array such as ["@@none"]; ignored',
      ],
      {},
    ],
    [
      'no services object',
      '{"Services":{}}',
      ['$: the document has no "services" object; it sets nothing'],
      {},
    ],
  ];

  it.each(cases)('%s', (_, content, findings, entries) => {
    const parsed = parsePolicyDocument(content);
    expect(parsed.findings.map((f) => `${f.path}: ${f.message}`)).toEqual(findings);
    expect(Object.fromEntries(parsed.entries)).toStrictEqual(entries);
  });

  it('invalid JSON is a finding at `$`', () => {
    expect(parsePolicyDocument('{').findings.map((f) => f.path)).toEqual(['$']);
  });
});

describe('documentTooLong', () => {
  it('a document of 2,500 characters fits; one more does not [ORG-QUOTA-AI-DOCUMENT-SIZE]', () => {
    expect(documentTooLong('x'.repeat(2500))).toBe(false);
    expect(documentTooLong('x'.repeat(2501))).toBe(true);
  });
});
