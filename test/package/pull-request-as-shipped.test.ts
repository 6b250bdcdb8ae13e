/**
 * The pull-request check as it ships, end to end. The package is packed once (`npm pack`, which builds
 * dist/). Then, each into a folder of its own and with runtime dependencies only:
 *
 * - GitHub: the tarball where action.yml's build step leaves it, and action.yml's own step scripts run
 *   as the runner runs them (bash -eo pipefail, the step's env with its expressions filled in): install,
 *   read the base (git fetch from the pull request's origin), check, comment (against a stand-in for
 *   GitHub's API), result. The build step itself (npm ci and npm pack in the action's folder) is the pack
 *   above: this repository's node_modules are what its npm ci installs.
 * - CodeBuild: the tool source as the PullRequestCheck construct makes it in a consumer's synth (the
 *   compiled packTool of the packed package), then examples/codebuild/buildspec.yml's install and build
 *   commands, with a stand-in `aws` for CodeCommit.
 *
 * Each check runs in a separate "pull request" checkout that holds a hostile tsconfig.json (paths mapping
 * the tool's dependencies to a file that writes a marker when loaded), a package.json with install
 * scripts and an .npmrc of its own, and node_modules of its own that write the marker too. The pull
 * requests: one that deletes expect and opts the root in (fail), one whose ai-optout.yaml is a symbolic
 * link (fail, refused), and one that only adds an opt-out (pass). The verdicts must be right and the
 * marker never written.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { packedPackage } from '../support/packed-package.ts';

const exec = promisify(execFile);
const ACTION = parse(readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8')) as {
  runs: { steps: Step[] };
};
const BUILDSPEC = parse(readFileSync(join(PACKAGE_ROOT, 'examples/codebuild/buildspec.yml'), 'utf8')) as {
  phases: Record<'install' | 'build', { commands: string[] }>;
};
const CONFIG = readFileSync(join(PACKAGE_ROOT, 'config/ai-optout.yaml'), 'utf8');
const SNAPSHOT = join(PACKAGE_ROOT, 'examples/lza-organization.snapshot.json');

interface Step {
  name: string;
  id?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

/** The pull requests, each with what both hosts must decide. */
const WEAKENED = CONFIG.replace(
  '    default: optOut\n    lock: declared',
  '    default: optIn\n    lock: declared',
).replace(/# Guardrail on the effective result[\s\S]*$/, '');
const OPT_OUT_ONLY = CONFIG.replace(
  'expect:',
  '  - name: ai-optout-sandbox-translate\n    services: { translate: optOut }\n    targets:\n      - ou: Sandbox\n\nexpect:',
);
const PULL_REQUESTS = [
  { name: 'weakened-expect', head: WEAKENED, verdict: 'fail', exit: 1, approval: 'REVOKE' },
  { name: 'symlinked-config', head: 'symlink', verdict: 'fail', exit: 1, approval: 'REVOKE' },
  { name: 'opt-out-only', head: OPT_OUT_ONLY, verdict: 'pass', exit: 0, approval: 'APPROVE' },
] as const;

let dir: string;
let marker: string;
const runnerTemp = () => join(dir, 'runner-temp');
const codebuildTool = () => join(dir, 'codebuild-tool');
const toolSource = () => join(dir, 'codebuild-tool-source');

function sh(script: string, cwd: string, env: Record<string, string>) {
  return exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

function actionStep(prefix: string): Step {
  const step = ACTION.runs.steps.find((s) => s.name.startsWith(prefix));
  if (!step?.run) throw new Error(`action.yml has no run step named ${prefix}…`);
  return step;
}

/** A step's env with its `${{ … }}` expressions filled in from `values`; an unknown one is an error. */
function stepEnv(step: Step, values: Record<string, string>): Record<string, string> {
  const fill = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expression: string) => {
      if (!(expression in values))
        throw new Error(`the test does not know ${expression} (step ${step.name})`);
      return values[expression] as string;
    });
  return Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, fill(String(value))]));
}

/** Code that writes the marker when anything loads it. */
function evilModule(kind: 'esm' | 'cjs'): string {
  const write = `writeFileSync(${JSON.stringify(marker)}, 'loaded from the pull request');`;
  return kind === 'esm'
    ? `import { writeFileSync } from 'node:fs';\n${write}\nexport default {};\n`
    : `const { writeFileSync } = require('node:fs');\n${write}\nmodule.exports = {};\n`;
}

/** The pull request's checkout: a clone of an origin whose main has the example config, the head on top. */
async function checkout(name: string, head: string): Promise<string> {
  const origin = join(dir, `${name}-origin.git`);
  const work = join(dir, `${name}-checkout`);
  const git = (args: string[], cwd: string) =>
    exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });
  await git(['init', '--quiet', '--bare', '-b', 'main', origin], dir);
  await git(['clone', '--quiet', origin, work], dir);
  writeFileSync(join(work, 'ai-optout.yaml'), CONFIG);
  await git(['add', '.'], work);
  await git(['commit', '--quiet', '-m', 'base'], work);
  await git(['push', '--quiet', 'origin', 'HEAD:main'], work);
  if (head === 'symlink') {
    writeFileSync(join(dir, 'runner-secret.yaml'), 'token: ghs_do_not_leak\n');
    rmSync(join(work, 'ai-optout.yaml'));
    symlinkSync(join(dir, 'runner-secret.yaml'), join(work, 'ai-optout.yaml'));
  } else writeFileSync(join(work, 'ai-optout.yaml'), head);
  plantHostileFiles(work);
  return work;
}

/** What a contributor could commit to make the tool run code of theirs, if it read anything of the checkout. */
function plantHostileFiles(work: string): void {
  const paths = Object.fromEntries(
    ['zod', 'yaml', 'commander', '@aws-sdk/client-s3', 'fflate', 'pino'].map((dep) => [dep, ['./evil.mjs']]),
  );
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));
  writeFileSync(join(work, 'evil.mjs'), evilModule('esm'));
  const script = `node ${JSON.stringify(join(work, 'evil.mjs'))}`;
  writeFileSync(
    join(work, 'package.json'),
    JSON.stringify({
      name: 'hostile',
      type: 'module',
      scripts: { preinstall: script, install: script, postinstall: script, prepare: script, prepack: script },
    }),
  );
  writeFileSync(
    join(work, '.npmrc'),
    `node-options=--import=${join(work, 'evil.mjs')}\nignore-scripts=false\n`,
  );
  for (const dep of ['zod', 'yaml', 'commander', '@aws-sdk/client-s3']) {
    mkdirSync(join(work, 'node_modules', dep), { recursive: true });
    writeFileSync(
      join(work, 'node_modules', dep, 'package.json'),
      JSON.stringify({ name: dep, main: 'index.js' }),
    );
    writeFileSync(join(work, 'node_modules', dep, 'index.js'), evilModule('cjs'));
  }
}

/** A stand-in for GitHub's API: whose token (GraphQL viewer), the pull request's comments, new comments. */
const posted: string[] = [];
let github: Server;
let api = '';

/** A stand-in for the AWS CLI: get-file answers with the base; every call and the comment are logged. */
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$AWS_CALLS"
case "$2" in
  get-file) base64 -w0 "$BASE_FILE"; echo ;;
  post-comment-for-pull-request)
    for arg in "$@"; do case "$arg" in file://*) cp "\${arg#file://}" "$AWS_CALLS.comment" ;; esac; done ;;
esac
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-as-shipped-'));
  marker = join(dir, 'PWNED');
  const packed = await packedPackage();
  // GitHub: the build step's tarball, then the install step as the runner runs it
  mkdirSync(join(runnerTemp(), 'ai-optout-pack'), { recursive: true });
  copyFileSync(packed.tarball, join(runnerTemp(), 'ai-optout-pack/ai-optout.tgz'));
  const install = actionStep('Install it in a folder of its own');
  const installed = await sh(install.run as string, dir, stepEnv(install, { 'runner.temp': runnerTemp() }));
  if (installed.code !== 0) throw new Error(`the action's install step failed: ${installed.stderr}`);
  // CodeBuild: the construct's tool source from the packed package (compiled), then the buildspec's install
  const extracted = join(dir, 'extracted');
  mkdirSync(extracted);
  await exec('tar', ['-xzf', packed.tarball, '-C', extracted]);
  mkdirSync(toolSource());
  const tool = join(extracted, 'package/dist/lib/pull-request-tool.js');
  await exec(process.execPath, [
    '--input-type=module',
    '-e',
    `(await import(${JSON.stringify(tool)})).packTool(${JSON.stringify(toolSource())})`,
  ]);
  const buildspecInstall = await sh(BUILDSPEC.phases.install.commands.join('\n'), dir, {
    CODEBUILD_SRC_DIR_tool: toolSource(),
    AI_OPTOUT_TOOL: codebuildTool(),
  });
  if (buildspecInstall.code !== 0)
    throw new Error(`the buildspec's install failed: ${buildspecInstall.stderr}`);
  writeFileSync(join(dir, 'aws'), FAKE_AWS);
  chmodSync(join(dir, 'aws'), 0o755);
  github = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/graphql')
        return response.end('{"data":{"viewer":{"login":"github-actions[bot]"}}}');
      if (request.method === 'POST') posted.push((JSON.parse(body) as { body: string }).body);
      response.end(request.method === 'GET' ? '[]' : '{"id":1}');
    });
  });
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (github ? github.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('installed as shipped', () => {
  it('both tools are the package’s compiled code with runtime dependencies only, and no transpiler', () => {
    for (const tool of [join(runnerTemp(), 'ai-optout-tool'), codebuildTool()]) {
      const modules = join(tool, 'node_modules');
      expect(existsSync(join(modules, 'ai-optout/dist/cli/pull-request-check.js'))).toBe(true);
      expect(existsSync(join(modules, 'ai-optout/dist/cli/github-comment.js'))).toBe(true);
      for (const devOnly of ['tsx', 'esbuild', 'typescript', 'vitest', 'aws-cdk-lib'])
        expect(existsSync(join(modules, devOnly)), `${tool}: ${devOnly}`).toBe(false);
    }
    expect(readFileSync(join(toolSource(), 'ai-optout.tgz')).length).toBeGreaterThan(0);
  });
});

/** GitHub: action.yml's steps, from reading the base to the result, in the checkout. */
async function runAction(work: string) {
  const outputs: Record<string, Record<string, string>> = {};
  const values: Record<string, string> = {
    'runner.temp': runnerTemp(),
    'inputs.base-ref': 'main',
    'inputs.config': 'ai-optout.yaml',
    'inputs.snapshot': SNAPSHOT,
    'inputs.aws-region': 'us-east-1',
    'inputs.github-token': 'ghs_test',
    'inputs.fail-on-review': 'true',
  };
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  const printed: string[] = [];
  let code = 0;
  for (const [id, prefix] of [
    ['base', 'Read the base'],
    ['check', 'Check the pull request'],
    ['comment', 'Comment on the pull request'],
    ['result', 'Result'],
  ] as const) {
    const step = actionStep(prefix);
    const outputFile = join(dir, `output-${id}.txt`);
    writeFileSync(outputFile, '');
    const result = await sh(step.run as string, work, {
      ...stepEnv(step, values),
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      GITHUB_WORKSPACE: work,
      GITHUB_API_URL: api,
      GITHUB_GRAPHQL_URL: `${api}/graphql`,
      GITHUB_REPOSITORY: 'octo-org/config',
      GITHUB_EVENT_PATH: event,
      RUNNER_TEMP: runnerTemp(),
    });
    printed.push(result.stdout);
    outputs[id] = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    for (const [key, value] of Object.entries(outputs[id] ?? {}))
      values[`steps.${id}.outputs.${key}`] = value;
    if (id !== 'result' && result.code !== 0) throw new Error(`${prefix}: ${result.stderr}`);
    code = result.code;
  }
  return { outputs, code, stdout: printed.join('') };
}

/** CodeBuild: the buildspec's build commands in the checkout, with the CodeCommit event's variables. */
async function runBuildspec(work: string) {
  const calls = join(dir, `${work.split('/').at(-1)}-aws-calls.log`);
  writeFileSync(join(dir, 'base-for-codecommit.yaml'), CONFIG);
  const result = await sh(BUILDSPEC.phases.build.commands.join('\n'), dir, {
    PATH: `${dir}:${process.env.PATH}`,
    CODEBUILD_SRC_DIR: work,
    AI_OPTOUT_TOOL: codebuildTool(),
    SNAPSHOT_URL: SNAPSHOT,
    CONFIG_PATH: 'ai-optout.yaml',
    REPOSITORY_NAME: 'aws-accelerator-config',
    PULL_REQUEST_ID: '7',
    SOURCE_COMMIT: 'a'.repeat(40),
    DESTINATION_COMMIT: 'b'.repeat(40),
    REVISION_ID: 'rev-1',
    AWS_CALLS: calls,
    BASE_FILE: join(dir, 'base-for-codecommit.yaml'),
  });
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  return { ...result, calls: read(calls).trim().split('\n'), comment: read(`${calls}.comment`) };
}

describe.each(PULL_REQUESTS)('a pull request: $name', ({ name, head, verdict, exit, approval }) => {
  it(`GitHub action: ${verdict}, with no code of the checkout run`, async () => {
    const work = await checkout(`github-${name}`, head);
    const before = posted.length;

    const { outputs, code, stdout } = await runAction(work);

    expect(outputs.check?.verdict).toBe(verdict);
    expect(code).toBe(exit);
    expect(posted.length).toBe(before + 1);
    const comment = posted.at(-1) as string;
    expect(comment.split('\n')[0]).toMatch(verdict === 'pass' ? /^## ✅ / : /^## ❌ /);
    if (head === 'symlink') {
      expect(comment).toContain('The desired state ai-optout.yaml is a symbolic link');
      expect(comment).not.toContain('ghs_do_not_leak');
    }
    expect(stdout).toMatch(/^::stop-commands::/m);
    expect(existsSync(marker)).toBe(false);
  });

  it(`CodeBuild buildspec: ${verdict}, ${approval}, with no code of the checkout run`, async () => {
    const work = await checkout(`codebuild-${name}`, head);

    const { code, calls, comment } = await runBuildspec(work);

    expect(code).toBe(exit);
    expect(calls.filter((c) => c.includes('approval-state'))).toEqual([
      `codecommit update-pull-request-approval-state --pull-request-id 7 --revision-id rev-1 --approval-state ${approval}`,
    ]);
    expect(comment).toMatch(new RegExp(`<!-- ai-optout: ${verdict} -->\\n$`));
    if (head === 'symlink') expect(comment).not.toContain('ghs_do_not_leak');
    expect(existsSync(join(work, 'reports/ai-optout.xml'))).toBe(head !== 'symlink');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('the marker', () => {
  it('is written when the hostile files are loaded (through node_modules, and through tsconfig paths under tsx), so its absence above means something', async () => {
    const previous = marker;
    marker = join(dir, 'control-marker');
    try {
      const work = await checkout('control', OPT_OUT_ONLY);
      await exec(process.execPath, ['-e', "require('zod')"], { cwd: work });
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
      // The reported attack: tsx reads the checkout's tsconfig.json and maps a dependency to the pull request's file
      writeFileSync(join(work, 'probe.ts'), "import 'fflate';\n");
      const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
      await exec(process.execPath, ['--import', tsx, join(work, 'probe.ts')], { cwd: work });
      expect(existsSync(marker)).toBe(true);
    } finally {
      marker = previous;
    }
  });
});
