/**
 * The layers of docs/architecture.md, enforced: imports point downwards only, and only the adapters
 * talk to AWS. Every import (static, type-only, re-exports, side-effect and dynamic `import()`, as
 * TypeScript's parser reads them: test/support/imports.ts) of every file under lambdas/domain/,
 * lambdas/runtime/ and lambdas/adapters/ is resolved and checked against what its layer may not use;
 * the entry points and the CLI may import the AWS SDK for its types only; no entry point imports
 * another; lib/ and bin/app.ts take from lambdas/ only the domain's values, the runtime contracts and
 * the package root.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, resolveImport } from '../support/imports.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The repository-relative files (`.ts`) below `folder`. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name).split('\\').join('/'))
    .sort();
}

const target = (file: string, specifier: string) => resolveImport(ROOT, file, specifier);
const isAwsSdk = (t: string) => t.startsWith('@aws-sdk/') || t.startsWith('@smithy/') || t === 'aws-sdk';

interface Rule {
  what: string;
  forbidden(target: string): boolean;
}

/** The entry points: each is deployed or run on its own, so none may depend on another's internals. */
const ENTRY_POINTS = {
  'the pipeline job': 'lambdas/pipeline-job/',
  'the pipeline starter': 'lambdas/pipeline-starter/',
  'the Config rule': 'lambdas/config-rule/',
  'the CLI': 'bin/cli/',
  'the pull-request check': 'bin/pull-request/',
} as const;

/**
 * The one seam between entry points: the pull-request check runs the CLI's plan in its own process
 * through the CLI's in-process interface (`main(argv, io)` and its `CliIo`), so that the check and the
 * command are the same code (lib/cli-bundle.ts bundles them with shared chunks). Nothing else of bin/cli/.
 */
const CLI_IN_PROCESS = ['bin/cli/main.ts', 'bin/cli/io.ts'];

const ENTRY_POINTS_AND_INFRASTRUCTURE: Rule[] = [
  { what: 'the pipeline job (entry point)', forbidden: (t) => t.startsWith('lambdas/pipeline-job/') },
  { what: 'the pipeline starter (entry point)', forbidden: (t) => t.startsWith('lambdas/pipeline-starter/') },
  { what: 'the Config rule (entry point)', forbidden: (t) => t.startsWith('lambdas/config-rule/') },
  {
    what: 'the organization session',
    forbidden: (t) => t === 'lambdas/organization-session.ts' || t === 'lambdas/reconciler.ts',
  },
  { what: 'the CLI and the CDK app', forbidden: (t) => t.startsWith('bin/') },
  { what: 'the CDK constructs', forbidden: (t) => t.startsWith('lib/') },
];

const DOMAIN_RULES: Rule[] = [
  { what: 'the adapters', forbidden: (t) => t.startsWith('lambdas/adapters/') },
  ...ENTRY_POINTS_AND_INFRASTRUCTURE,
  { what: 'an AWS SDK package', forbidden: isAwsSdk },
  {
    what: 'a Node.js I/O module (the domain does no I/O)',
    forbidden: (t) => /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram|child_process)$/.test(t),
  },
];

function violations(
  files: readonly string[],
  rules: readonly Rule[],
  options: { typesAllowed?: boolean } = {},
): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const { specifier, typeOnly } of importsOf(readFileSync(join(ROOT, file), 'utf8'), file)) {
      if (options.typesAllowed && typeOnly) continue;
      const resolved = target(file, specifier);
      for (const rule of rules)
        if (rule.forbidden(resolved)) found.push(`${file} imports ${specifier} (${rule.what})`);
    }
  }
  return found;
}

describe('layers: imports point downwards only', () => {
  it('reads every kind of import, and nothing in comments or strings', () => {
    const text = [
      "import { a } from './static.ts';",
      "import type { B } from '../types.ts';",
      'import {',
      '  c,',
      '  d,',
      "} from '@aws-sdk/client-s3';",
      "export { e } from './re-export.ts';",
      "import './side-effect.ts';",
      "const f = await import('../dynamic.ts');",
      "// import { g } from './commented.ts';",
      'const h = "from \'./in-a-string.ts\'";',
    ].join('\n');

    const found = importsOf(text);

    expect(found.map((i) => i.specifier).sort()).toEqual(
      [
        './static.ts',
        '../types.ts',
        '@aws-sdk/client-s3',
        './re-export.ts',
        './side-effect.ts',
        '../dynamic.ts',
      ].sort(),
    );
    expect(found.filter((i) => i.typeOnly).map((i) => i.specifier)).toEqual(['../types.ts']);
    expect(found.filter((i) => i.dynamic).map((i) => i.specifier)).toEqual(['../dynamic.ts']);
  });

  it('the rules catch what they are for', () => {
    const domainFile = 'lambdas/domain/planner.ts';
    const forbidden = [
      '../adapters/s3/artifacts.ts',
      '../pipeline-job/job.ts',
      '../pipeline-starter/start.ts',
      '../reconciler.ts',
      '../../bin/cli/main.ts',
      '../../lib/settings.ts',
      '@aws-sdk/client-organizations',
      'node:fs/promises',
    ];
    for (const specifier of forbidden) {
      const resolved = target(domainFile, specifier);
      expect(
        DOMAIN_RULES.some((rule) => rule.forbidden(resolved)),
        specifier,
      ).toBe(true);
    }
    for (const allowed of ['./contract.ts', 'zod', 'yaml', 'node:zlib'])
      expect(
        DOMAIN_RULES.some((rule) => rule.forbidden(target(domainFile, allowed))),
        allowed,
      ).toBe(false);
  });

  it('no file under lambdas/domain/ imports the adapters, an entry point, bin/, lib/, the AWS SDK or Node I/O', () => {
    const files = sourcesUnder('lambdas/domain');
    expect(files).toContain('lambdas/domain/planner.ts');

    expect(violations(files, DOMAIN_RULES)).toEqual([]);
  });

  it('no file under lambdas/adapters/ imports an entry point, the reconciler, bin/ or lib/', () => {
    const files = sourcesUnder('lambdas/adapters');
    expect(files).toEqual(
      expect.arrayContaining(['lambdas/adapters/files.ts', 'lambdas/adapters/s3/continuations.ts']),
    );

    expect(violations(files, ENTRY_POINTS_AND_INFRASTRUCTURE)).toEqual([]);
  });

  it('no file under lambdas/runtime/ imports the adapters, an entry point, bin/, lib/, the AWS SDK or aws-cdk-lib', () => {
    const files = sourcesUnder('lambdas/runtime');
    expect(files).toEqual(
      expect.arrayContaining(['lambdas/runtime/logger.ts', 'lambdas/runtime/state-bucket.ts']),
    );
    const rules: Rule[] = [
      { what: 'the adapters', forbidden: (t) => t.startsWith('lambdas/adapters/') },
      ...ENTRY_POINTS_AND_INFRASTRUCTURE,
      { what: 'an AWS SDK package', forbidden: isAwsSdk },
      {
        what: 'the CDK (bundled into every function)',
        forbidden: (t) => /^(aws-cdk-lib|constructs)(\/|$)/.test(t),
      },
    ];

    expect(violations(files, rules)).toEqual([]);
  });

  it('no entry point imports another (the pull-request check runs the CLI through its in-process interface only)', () => {
    const entries = Object.entries(ENTRY_POINTS);
    const found: string[] = [];
    for (const [name, folder] of entries) {
      const others: Rule[] = entries
        .filter(([, other]) => other !== folder)
        .map(([what, other]) => ({
          what,
          forbidden: (t) =>
            t.startsWith(other) &&
            !(folder === ENTRY_POINTS['the pull-request check'] && CLI_IN_PROCESS.includes(t)),
        }));
      const files = sourcesUnder(folder);
      expect(files.length, name).toBeGreaterThan(0);
      found.push(...violations(files, others));
    }

    expect(found).toEqual([]);
  });

  it('the entry-point rule catches an import of another entry point, type-only ones too', () => {
    const starter = 'lambdas/pipeline-starter/start.ts';
    for (const specifier of [
      '../pipeline-job/logger.ts',
      '../config-rule/evaluate.ts',
      '../../bin/cli/live.ts',
    ])
      expect(
        Object.values(ENTRY_POINTS).some((folder) => target(starter, specifier).startsWith(folder)),
        specifier,
      ).toBe(true);
    expect(target(starter, './triggers.ts').startsWith(ENTRY_POINTS['the pipeline job'])).toBe(false);
  });

  it('lib/ and bin/app.ts take from lambdas/ only the domain, the runtime contracts and the package root', () => {
    const files = [...sourcesUnder('lib'), 'bin/app.ts'];
    expect(files).toEqual(expect.arrayContaining(['lib/post-lza-pipeline-stack.ts', 'bin/app.ts']));
    const allowed = (t: string) =>
      t.startsWith('lambdas/domain/') ||
      t.startsWith('lambdas/runtime/') ||
      t === 'lambdas/adapters/package-root.ts';
    const rules: Rule[] = [
      {
        what: 'the runtime code beyond its contracts',
        forbidden: (t) => t.startsWith('lambdas/') && !allowed(t),
      },
      {
        what: 'the CLI or the pull-request check',
        forbidden: (t) => t.startsWith('bin/') && t !== 'bin/app.ts',
      },
    ];

    expect(violations(files, rules)).toEqual([]);
    expect(rules[0]?.forbidden('lambdas/pipeline-starter/start.ts')).toBe(true);
    expect(rules[0]?.forbidden('lambdas/adapters/s3/snapshots.ts')).toBe(true);
    expect(rules[0]?.forbidden('lambdas/runtime/state-bucket.ts')).toBe(false);
  });

  it('the entry points, the reconciler and the CLI call AWS only through lambdas/adapters/ (SDK types only)', () => {
    const files = [
      ...sourcesUnder('lambdas/pipeline-job'),
      ...sourcesUnder('lambdas/pipeline-starter'),
      ...sourcesUnder('lambdas/config-rule'),
      'lambdas/reconciler.ts',
      'lambdas/organization-session.ts',
      ...sourcesUnder('bin/cli'),
    ];
    expect(files).toEqual(expect.arrayContaining(['lambdas/pipeline-job/handler.ts', 'bin/cli/main.ts']));

    const sdk: Rule[] = [{ what: 'an AWS SDK package other than for its types', forbidden: isAwsSdk }];
    expect(violations(files, sdk, { typesAllowed: true })).toEqual([]);
  });
});
