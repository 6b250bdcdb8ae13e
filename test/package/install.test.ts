/**
 * The package as a user installs it: the tarball `npm pack` makes (packed once per test run,
 * test/support/packed-package.ts), installed into a fresh project outside the repository, without a
 * lockfile, with the NEWEST aws-cdk-lib, constructs, cdk-nag and aws-cdk on the registry: what
 * `npm install ai-optout aws-cdk-lib constructs cdk-nag aws-cdk` gives a user today, not the versions this
 * repository's lockfile pins (their versions are printed). Then the installed command runs (`--version`,
 * `validate`, `plan --snapshot`); the README's example, and two consumer apps with no cdk.json (ESM and
 * CommonJS), synthesize with the prebuilt code on the newest Node.js runtime that aws-cdk-lib knows, with
 * no cdk-nag finding; and the package's own app synthesizes through the CDK CLI as docs/deploying.md runs it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDesiredStateFile, readSnapshotFile } from '../../lambdas/adapters/files.ts';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { plan } from '../../lambdas/domain/planner.ts';
import { toReport } from '../../lambdas/domain/report/json.ts';
import { REPORTS } from '../../lambdas/domain/report/registry.ts';
import { parseSnapshot } from '../../lambdas/domain/snapshot.ts';
import { BUNDLE_FILE, LAMBDA_NAMES, type LambdaName } from '../../lib/lambda-bundles.ts';
import { type PackedPackage, packedPackage } from '../support/packed-package.ts';

const run = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};
const EXAMPLE_CONFIG = join(PACKAGE_ROOT, 'config/ai-optout.yaml');
const EXAMPLE_SNAPSHOT = join(PACKAGE_ROOT, 'examples/lza-organization.snapshot.json');
/** What a CDK user adds beside the package, at the newest versions the registry has. */
const PEERS = ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-cdk'] as const;

let dir: string;
let project: string;
let packed: PackedPackage;
/** The newest Node.js runtime the consumer's aws-cdk-lib lists, as cdk-nag's AwsSolutions-L1 finds it. */
let newestNode: string;
/** What tsc printed on the README's example in the consumer project (empty: no error). */
let readmeCompiled: string;
/** What tsc printed on the README's example with a wrong value in it (same tsc run). */
let wrongCompiled: string;

const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

const consumerVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-package-'));
  project = join(dir, 'consumer');
  packed = await packedPackage();
  await run('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  // No lockfile, and `latest` asked of the registry: the versions a new user gets today.
  await npm(['install', '--no-package-lock', packed.tarball, ...PEERS.map((p) => `${p}@latest`)], project);
  const versions = PEERS.map((p) => `${p} ${consumerVersion(p)}`).join(', ');
  console.info(`consumer check: ai-optout ${manifest.version} installed with ${versions}`);
  const { stdout } = await run(
    process.execPath,
    [
      '-e',
      "const { Runtime } = require('aws-cdk-lib/aws-lambda'); const n = (r) => Number(/^nodejs(\\d+)\\.x$/.exec(r.name)?.[1] ?? 0); console.log(Runtime.ALL.reduce((a, b) => (n(b) > n(a) ? b : a)).name)",
    ],
    { cwd: project, encoding: 'utf8' },
  );
  newestNode = stdout.trim();
  // One tsc run checks the README's example (emitting it for the ESM app) and its wrong variant: a run
  // loads the installed aws-cdk-lib's declarations, seconds of CPU each time.
  const printed = await compile({
    'readme-example': readmeExample(),
    'wrong-example': readmeExample().replace("failOn: 'drift'", "failOn: 'sometimes'"),
  });
  wrongCompiled = printed.get('wrong-example.mts') ?? '';
  printed.delete('wrong-example.mts');
  readmeCompiled = [...printed.values()].join('\n');
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The installed command (the link npm makes in node_modules/.bin), run by node from the consumer project. */
function cli(args: string[]) {
  return run(process.execPath, [join(project, 'node_modules/.bin/ai-optout'), ...args], {
    cwd: project,
    encoding: 'utf8',
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

describe('the packed tarball', () => {
  it('holds the compiled code, the prebuilt Lambda code, config and docs, and no tests, benches or sources', () => {
    const paths = packed.files.map((f) => f.path);
    expect(newestNode).toMatch(/^nodejs\d+\.x$/);

    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'LICENSE',
        'bin/ai-optout.mjs',
        'dist/cli/run.js',
        'dist/lambdas/index.js',
        'dist/lambdas/index.d.ts',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/bin/app.js',
        'config/ai-optout.yaml',
        'examples/ai-optout.yaml',
        'examples/lza-organization.snapshot.json',
        ...LAMBDA_NAMES.map((name) => `dist/assets/${name}/${BUNDLE_FILE}`),
      ]),
    );
    const unwanted = paths.filter((p) =>
      /^(test|bench|scripts|\.ci|lib|lambdas|bin\/cli)\/|\.ts$|cdk\.json$/.test(p),
    );
    expect(unwanted.filter((p) => !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('declares no dependency on TypeScript tooling, and aws-cdk-lib, constructs and cdk-nag as optional peers', () => {
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules/ai-optout/package.json'), 'utf8'),
    ) as Record<string, Record<string, unknown>>;

    expect(installed.dependencies).not.toHaveProperty('tsx');
    expect(installed.dependencies).not.toHaveProperty('aws-cdk-lib');
    expect(installed.peerDependenciesMeta).toEqual({
      'aws-cdk-lib': { optional: true },
      constructs: { optional: true },
      'cdk-nag': { optional: true },
    });
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/esbuild'))).toBe(false);
  });
});

describe('the installed command', () => {
  it('--version prints the package version', async () => {
    const result = await cli(['--version']);

    expect(result).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('validate checks the example desired state', async () => {
    const result = await cli(['validate', '--config', EXAMPLE_CONFIG]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${EXAMPLE_CONFIG}: valid (3 policies, 3 targets)`);
  });

  it('plan --snapshot reports the same drift as the library, exit 2', async () => {
    const result = await cli([
      'plan',
      '--config',
      EXAMPLE_CONFIG,
      '--snapshot',
      EXAMPLE_SNAPSHOT,
      // The example snapshot has a fixed capturedAt: a bound far off keeps the report free of an age warning.
      '--max-snapshot-age',
      '36500d',
      '--format',
      'json',
    ]);
    const expected = toReport(
      plan((await readDesiredStateFile(EXAMPLE_CONFIG)).state, await readSnapshotFile(EXAMPLE_SNAPSHOT), {
        verification: { source: 'snapshot', verify: 'states' },
      }),
      new Date(0),
    );

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { verdict: string; generatedAt: string };
    expect(report.verdict).toBe('drift');
    const snapshot = await readSnapshotFile(EXAMPLE_SNAPSHOT);
    expect({ ...report, generatedAt: expected.generatedAt }).toEqual({
      ...expected,
      snapshot: { capturedAt: snapshot.capturedAt, source: EXAMPLE_SNAPSHOT },
    });
  });
});

describe('the installed library', () => {
  it('renders every registered report format from one input, as the sources do', async () => {
    // Prepare
    const script = [
      "import { readFileSync } from 'node:fs';",
      "import { REPORTS, loadDesiredState, parseSnapshot, plan } from 'ai-optout';",
      `const loaded = loadDesiredState(readFileSync(${JSON.stringify(EXAMPLE_CONFIG)}, 'utf8'), { file: 'ai-optout.yaml' });`,
      `const snapshot = parseSnapshot(readFileSync(${JSON.stringify(EXAMPLE_SNAPSHOT)}, 'utf8'), 'org.json');`,
      'const input = { plan: plan(loaded.state, snapshot), generatedAt: new Date(0), state: loaded.state, snapshot };',
      'console.log(JSON.stringify(Object.fromEntries(REPORTS.names().map((n) => [n, REPORTS.get(n).render(input)]))));',
    ].join('\n');
    const loaded = loadDesiredState(readFileSync(EXAMPLE_CONFIG, 'utf8'), { file: 'ai-optout.yaml' });
    if (!loaded.ok) throw new Error('the example configuration does not load');
    const snapshot = parseSnapshot(readFileSync(EXAMPLE_SNAPSHOT, 'utf8'), 'org.json');
    const input = {
      plan: plan(loaded.state, snapshot),
      generatedAt: new Date(0),
      state: loaded.state,
      snapshot,
    };

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });

    // Assess
    const installed = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(installed)).toEqual(['text', 'json', 'markdown', 'html', 'sarif', 'junit', 'github']);
    for (const name of REPORTS.names()) expect(installed[name], name).toBe(REPORTS.get(name).render(input));
  });
});

/** The README's example of adding the stage to an existing pipeline (its first `ts` block). */
function readmeExample(): string {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block?.includes("from 'ai-optout/cdk'"))
    throw new Error('README.md has no ts example importing ai-optout/cdk');
  return block;
}

/**
 * Compiles each source as `<name>.mts` of the consumer project, in one tsc run with this repository's
 * TypeScript (strict, against the installed package's declarations), emitting `<name>.mjs`; returns what
 * tsc printed by the file it names (a diagnostic's follow-on lines are indented), under '' for a
 * diagnostic naming no file. Each file is a module of its own, so one's errors are not another's.
 */
async function compile(sources: Record<string, string>): Promise<Map<string, string>> {
  const files = Object.entries(sources).map(([name, source]) => {
    writeFileSync(join(project, `${name}.mts`), source);
    return `${name}.mts`;
  });
  const options = { strict: true, module: 'nodenext', target: 'es2023', skipLibCheck: true, outDir: '.' };
  writeFileSync(join(project, 'tsconfig.examples.json'), JSON.stringify({ compilerOptions: options, files }));
  const tsc = join(PACKAGE_ROOT, 'node_modules/typescript/bin/tsc');
  const printed = await run(process.execPath, [tsc, '-p', 'tsconfig.examples.json'], {
    cwd: project,
    encoding: 'utf8',
  }).then(
    () => '',
    (e: { stdout: string }) => e.stdout,
  );
  const byFile = new Map<string, string>();
  for (const diagnostic of printed.split(/\n(?=\S)/).filter((d) => d.trim() !== '')) {
    const file = files.find((f) => diagnostic.startsWith(`${f}(`)) ?? '';
    byFile.set(file, [byFile.get(file), diagnostic].filter(Boolean).join('\n'));
  }
  return byFile;
}

describe('the type declarations', () => {
  it("type-check the README's example against the installed package, and catch a wrong value in it", async () => {
    // Both compiled in beforeAll (the ESM app below imports the example).
    expect(readmeCompiled).toBe('');
    expect(wrongCompiled).toMatch(
      /error TS2322: Type '"sometimes"' is not assignable to type '.*"violations"/,
    );
  });
});

/** Bucket, source stage and pipeline of a consumer stack: where the reconcile stage goes. */
const CONSUMER_PIPELINE = `const stack = new Stack(app, 'Consumer', { env: { account: '111122223333', region: 'eu-west-1' } });
const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', { pipelineName: 'consumer', pipelineType: codepipeline.PipelineType.V2 });
const input = new codepipeline.Artifact('Config');
const bucket = new s3.Bucket(stack, 'ConfigBucket', { enforceSSL: true });
pipeline.addStage({ stageName: 'Source', actions: [new actions.S3SourceAction({ actionName: 'Config', bucket, bucketKey: 'config.zip', output: input })] });`;

/** cdk-nag's findings on the constructs the stage adds, printed as JSON (the consumer's own pipeline and bucket are theirs to check). */
const NAG_ON_STAGE = `const report = new AwsSolutionsChecks().validateScope(stack);
const ours = report.violations.flatMap((v) => v.violatingResources.map((r) => v.ruleName + ' @ ' + (r.constructPath ?? r.resourceLogicalId))).filter((f) => f.includes('/AiOptOut'));
console.log(JSON.stringify(ours));`;

/**
 * ESM: the README's `addAiOptOut` (compiled from the README) on the consumer's pipeline, and
 * PostLzaPipelineStack with its typed props.
 */
const ESM_APP = `import { App, Stack, aws_codepipeline as codepipeline, aws_codepipeline_actions as actions, aws_s3 as s3 } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PostLzaPipelineStack } from 'ai-optout/cdk';
import { addAiOptOut } from './readme-example.mjs';
const app = new App({ outdir: process.argv[2] });
${CONSUMER_PIPELINE}
addAiOptOut(stack, pipeline, input);
new PostLzaPipelineStack(app, 'PostLza', { source: { kind: 'lza-s3' } });
app.synth();
${NAG_ON_STAGE}
`;

/** CommonJS: the constructs through require(), the stage added by hand, and PostLzaPipelineStack with the deprecated settings of earlier releases. */
const CJS_APP = `const { App, Stack, aws_codepipeline: codepipeline, aws_codepipeline_actions: actions, aws_s3: s3 } = require('aws-cdk-lib');
const { AwsSolutionsChecks } = require('cdk-nag');
const { PostLzaPipelineStack, ReconcilerFunction, ReconcileStage, validateSettings } = require('ai-optout/cdk');
const app = new App({ outdir: process.argv[2] });
${CONSUMER_PIPELINE}
const reconciler = new ReconcilerFunction(stack, 'Reconciler', { mode: 'audit', stateBucket: pipeline.artifactBucket });
new ReconcileStage(stack, 'AiOptOut', { pipeline, input, reconciler, failOn: 'violations' });
new PostLzaPipelineStack(app, 'PostLza', { settings: validateSettings({}) });
app.synth();
${NAG_ON_STAGE}
`;

interface LambdaResource {
  Type: string;
  Properties: { Runtime: string; Code: { S3Key: string }; Description?: unknown };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Each of our Lambda functions (their descriptions start `ai-optout`) in a synthesized stack: runtime, and the digest of the code CDK staged. */
function functionsOf(outdir: string, stack: string) {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as {
    Resources: Record<string, LambdaResource>;
  };
  return Object.entries(template.Resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        JSON.stringify(r.Properties.Description ?? '').includes('ai-optout'),
    )
    .map(([id, r]) => {
      const staged = join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE);
      return { id, runtime: r.Properties.Runtime, code: existsSync(staged) ? sha256(staged) : 'not staged' };
    });
}

const prebuilt = (name: LambdaName) =>
  sha256(join(project, 'node_modules/ai-optout/dist/assets', name, BUNDLE_FILE));

describe('consumer CDK apps without a cdk.json of ours, with the newest peers', () => {
  it.each([
    // The trigger function is there in both: the default schedule runs the pipeline daily.
    [
      "ESM: the README's addAiOptOut",
      'app.mjs',
      ESM_APP,
      /^AiOptOutReconciler/,
      ['pipeline-job', 'pipeline-starter', 'pipeline-trigger'],
    ],
    ['CommonJS (require)', 'app.cjs', CJS_APP, /^ReconcilerFunction/, ['pipeline-job', 'pipeline-trigger']],
  ] as const)(
    "%s and PostLzaPipelineStack synthesize with the prebuilt code on the newest aws-cdk-lib's newest Node.js runtime, with no cdk-nag finding on the stage",
    async (_kind, file, source, reconcilerId, postLzaFunctions) => {
      writeFileSync(join(project, file), source);
      const outdir = join(dir, `cdk.out-${file}`);

      const { stdout } = await run(process.execPath, [file, outdir], { cwd: project, encoding: 'utf8' });

      expect(JSON.parse(stdout)).toEqual([]);
      expect(functionsOf(outdir, 'Consumer')).toEqual([
        { id: expect.stringMatching(reconcilerId), runtime: newestNode, code: prebuilt('pipeline-job') },
      ]);
      const postLza = functionsOf(outdir, 'PostLza');
      expect(postLza.map((f) => f.runtime)).toEqual(postLzaFunctions.map(() => newestNode));
      expect(postLza.map((f) => f.code).sort()).toEqual(
        postLzaFunctions.map((name) => prebuilt(name)).sort(),
      );
    },
    120_000,
  );
});

describe("the package's own app, with the newest peers", () => {
  it('`npx cdk synth --app "node node_modules/ai-optout/dist/bin/app.js"` (docs/deploying.md) passes cdk-nag', async () => {
    const outdir = join(dir, 'cdk.out-app');

    const result = await run(
      'npx',
      [
        '--no-install',
        'cdk',
        'synth',
        '--no-notices',
        '-q',
        '-o',
        outdir,
        '--app',
        'node node_modules/ai-optout/dist/bin/app.js',
      ],
      { cwd: project, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } },
    ).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.code).toBe(0);
    const functions = functionsOf(outdir, 'AiOptOutPipeline');
    expect(functions.length).toBeGreaterThan(0);
    expect(new Set(functions.map((f) => f.runtime))).toEqual(new Set([newestNode]));
  }, 180_000);
});

describe("the package's docs", () => {
  it('link only to files the package ships (relative links resolved from each shipped Markdown file)', () => {
    const shipped = new Set(packed.files.map((f) => f.path));
    const docs = [...shipped].filter((p) => p.endsWith('.md'));
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/cli.md', 'docs/deploying.md']));

    const broken = docs.flatMap((doc) => {
      const text = readFileSync(join(project, 'node_modules/ai-optout', doc), 'utf8');
      const folder = doc.includes('/') ? doc.slice(0, doc.lastIndexOf('/') + 1) : '';
      return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => (m[1] as string).split('#')[0] as string)
        .filter((target) => target !== '' && !/^[a-z]+:/i.test(target))
        .map((target) => ({ doc, target, path: new URL(target, `file:///${folder}`).pathname.slice(1) }))
        .filter(
          ({ path }) =>
            !shipped.has(path) && ![...shipped].some((p) => p.startsWith(`${path.replace(/\/$/, '')}/`)),
        )
        .map(({ doc, target }) => `${doc} -> ${target}`);
    });

    expect(broken).toEqual([]);
  });
});
