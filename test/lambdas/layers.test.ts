/**
 * The layers of docs/architecture.md, enforced: imports point downwards only, and only the adapters
 * talk to AWS. Every import (static, type-only, re-exports, side-effect and dynamic `import()`, as
 * TypeScript's parser reads them: test/support/imports.ts) of every file under lambdas/domain/ and
 * lambdas/adapters/ is resolved and checked against what its layer may not use; the entry points and
 * the CLI may import the AWS SDK for its types only.
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
