/**
 * Every failure is one sentence with a next step: the cases a new user met, each through the spawned
 * command (the real credential chain, the real working folder), with what was printed and the exit code.
 * Nothing here reaches AWS: there are no credentials, so no call is ever signed or sent.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../lambdas/adapters/package-root.ts';
import { cliBundle } from '../../support/cli-bundle.ts';

/** The command as the package builds it (test/support/cli-bundle.ts). */
let BIN = '';
const SNAPSHOT = join(PACKAGE_ROOT, 'examples', 'lza-organization.snapshot.json');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ai-optout-errors-'));
  BIN = await cliBundle('run');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command in `cwd` with an environment holding no AWS credentials (HOME is an empty folder). */
function cli(args: string[], cwd = dir, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const one = (text: string) => text.trimEnd().split('\n');

describe('one sentence with a next step', () => {
  it('no credentials: names the variables and the commands that need none; nothing else printed', async () => {
    const config = file(
      'ai-optout.yaml',
      readFileSync(join(PACKAGE_ROOT, 'config', 'ai-optout.yaml'), 'utf8'),
    );

    const ran = await cli(['plan', '--config', config, '--pace', 'none']);

    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(one(ran.stderr)).toEqual([
      'error: no usable AWS credentials for DescribeOrganization (Could not load credentials from any providers): set AWS_PROFILE (run `aws sso login` first if the profile uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; `ai-optout demo` and `plan --snapshot FILE` need no credentials',
    ]);
  });

  it('a missing `version`: says it is missing and what to write', async () => {
    const ran = await cli(['validate', '--config', file('noversion.yaml', 'policies: []\n')]);

    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(
      'noversion.yaml:1:1: error: version: missing; this tool reads version 1; write `version: 1` as the first line',
    );
    expect(ran.stderr).not.toContain('nothing');
  });

  it('a misspelt `optOut`: the "did you mean" alone, no "nothing is not allowed"', async () => {
    const yaml =
      'version: 1\npolicies:\n  - name: a\n    default: optOut\n    targets: [root]\nexpect:\n  optOt: all\n';

    const ran = await cli(['validate', '--config', file('typo.yaml', yaml)]);

    expect(ran.code).toBe(1);
    expect(one(ran.stderr)).toEqual([
      `${join(dir, 'typo.yaml')}:7:3: error: unknown key \`optOt\` in expect; did you mean \`optOut\`?`,
      `${join(dir, 'typo.yaml')}: invalid (1 error)`,
    ]);
  });

  it('a snapshot passed as --config: one error saying to pass it as --snapshot', async () => {
    const ran = await cli(['validate', '--config', SNAPSHOT]);

    expect(ran.code).toBe(1);
    expect(one(ran.stderr)).toEqual([
      `${SNAPSHOT}:1:1: error: this is an organization snapshot (it has \`snapshotVersion\`), not a desired state; pass it to plan as \`--snapshot ${SNAPSHOT}\`, and the desired state (ai-optout.yaml) as \`--config\``,
      `${SNAPSHOT}: invalid (1 error)`,
    ]);
  });

  it('--debug adds the stack once: the sentence, then only the frames', async () => {
    const ran = await cli(['--debug', 'validate', '--config', 'missing.yaml']);

    expect(ran.code).toBe(1);
    const lines = one(ran.stderr);
    expect(lines[0]).toBe(`error: config file missing.yaml does not exist in ${dir}: check the path`);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
    expect(ran.stderr.split('does not exist').length - 1).toBe(1);
  });

  it('a bare `ai-optout`: usage on stderr, exit 1', async () => {
    const ran = await cli([]);

    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toMatch(/^Usage: ai-optout \[options\] \[command\]/);
  });
});

describe('the default --config', () => {
  it('reads ai-optout.yaml (an LZA repository), else config/ai-optout.yaml, and says which', async () => {
    const lza = mkdtempSync(join(dir, 'lza-'));
    const repo = mkdtempSync(join(dir, 'repo-'));
    const config = readFileSync(join(PACKAGE_ROOT, 'config', 'ai-optout.yaml'), 'utf8');
    writeFileSync(join(lza, 'ai-optout.yaml'), config);
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', 'ai-optout.yaml'), config);

    const inLza = await cli(['validate'], lza);
    const inRepo = await cli(['validate'], repo);

    expect(inLza).toMatchObject({ code: 0, stderr: 'Reading ai-optout.yaml (no --config given).\n' });
    expect(inLza.stdout).toBe('ai-optout.yaml: valid (3 policies, 3 targets)\n');
    expect(inRepo).toMatchObject({ code: 0, stderr: 'Reading config/ai-optout.yaml (no --config given).\n' });
  });

  it('neither: names both, the folder, and what to pass', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));

    const ran = await cli(['plan', '--snapshot', SNAPSHOT], empty);

    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(
      `error: no --config given, and neither ai-optout.yaml nor config/ai-optout.yaml exists in ${empty}: pass --config with the path of your desired-state file (\`ai-optout demo\` shows an example)\n`,
    );
  });
});
