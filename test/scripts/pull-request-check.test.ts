/**
 * The pull-request check (bin/pull-request/check.ts, bundled as the package builds it: test/support/
 * cli-bundle.ts), run as a process in a "pull request" checkout with
 * the real CLI, against the example organization, with a stand-in `aws` command that answers
 * codecommit get-file with the base's file (base64, as GetFile returns it) and records every call: the
 * comment (its content file) and the approval state it sets. Verdicts: pass approves, review and fail
 * revoke; and the checkout's hostile content (a symlinked desired state, a committed report folder or a
 * report folder linked outside, a program named aws) changes nothing but the verdict.
 * test/package/pull-request-as-shipped.test.ts runs the same check compiled, as it ships.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBundle } from '../support/cli-bundle.ts';
import { EXAMPLE_YAML } from '../support/example-desired-state.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNAPSHOT = join(ROOT, 'examples/lza-organization.snapshot.json');
const CONFIG = EXAMPLE_YAML;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for the AWS CLI: get-file prints the base's file base64-encoded; every call is logged. */
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$AWS_CALLS"
case "$2" in
  get-file)
    [ -f "$BASE_FILE" ] || { echo 'An error occurred (FileDoesNotExistException) when calling the GetFile operation' >&2; exit 254; }
    base64 -w0 "$BASE_FILE"; echo ;;
  post-comment-for-pull-request)
    for arg in "$@"; do case "$arg" in file://*) cp "\${arg#file://}" "$AWS_CALLS.comment" ;; esac; done ;;
esac
`;

// Heads, each against the example configuration as the base.
const OPT_OUT_ONLY = CONFIG.replace(
  'expect:',
  '  - name: ai-optout-sandbox-translate\n    services: { translate: optOut }\n    targets:\n      - ou: Sandbox\n\nexpect:',
);
const ALLOWS_TRANSLATE = CONFIG.replace(
  'services: [lex, rekognition]',
  'services: [lex, rekognition, translate]',
);
const OPTS_IN_TRANSLATE = ALLOWS_TRANSLATE.replace(
  '      lex: optIn\n',
  '      lex: optIn\n      translate: optIn\n',
);
const NO_EXPECT_ROOT_OPT_IN = CONFIG.replace(
  '    default: optOut\n    lock: declared',
  '    default: optIn\n    lock: declared',
).replace(/# Guardrail on the effective result[\s\S]*$/, '');

interface Setup {
  head: string;
  base?: string;
  /** Extra preparation of the checkout, before the check runs. */
  prepare?: (checkout: string, dir: string) => void;
  /** Environment of the run, given the run's folder. */
  env?: Record<string, string> | ((dir: string) => Record<string, string>);
}

async function check({ head, base = CONFIG, prepare, env = {} }: Setup) {
  const dir = mkdtempSync(join(tmpdir(), 'ai-optout-pr-check-'));
  dirs.push(dir);
  const checkout = join(dir, 'checkout');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(checkout);
  writeFileSync(join(checkout, 'ai-optout.yaml'), head);
  writeFileSync(join(dir, 'base.yaml'), base);
  writeFileSync(join(dir, 'bin/aws'), FAKE_AWS);
  chmodSync(join(dir, 'bin/aws'), 0o755);
  prepare?.(checkout, dir);
  const vars = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    HOME: dir,
    AWS_CALLS: join(dir, 'calls.log'),
    BASE_FILE: join(dir, 'base.yaml'),
    SNAPSHOT_URL: SNAPSHOT,
    REPOSITORY_NAME: 'aws-accelerator-config',
    PULL_REQUEST_ID: '7',
    SOURCE_COMMIT: 'a'.repeat(40),
    DESTINATION_COMMIT: 'b'.repeat(40),
    REVISION_ID: 'rev-1',
    ...(typeof env === 'function' ? env(dir) : env),
  };
  const entry = await cliBundle('pull-request-check');
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [entry], { cwd: checkout, env: vars }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const calls = read(join(dir, 'calls.log')).trim().split('\n').filter(Boolean);
  return { ...result, dir, checkout, calls, comment: read(join(dir, 'calls.log.comment')) };
}

const approval = (calls: string[]) => calls.find((c) => c.includes('update-pull-request-approval-state'));

describe('the pull-request check: verdicts', () => {
  it('a head that only adds an opt-out passes: comment, APPROVE, exit 0', async () => {
    const { code, calls, comment, stdout } = await check({ head: OPT_OUT_ONLY });

    expect(stdout).toContain('ai-optout pull-request check: pass (plan exit code 2, violations added: 0)');
    expect(code).toBe(0);
    expect(calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'codecommit get-file',
      'codecommit post-comment-for-pull-request',
      'codecommit update-pull-request-approval-state',
    ]);
    expect(calls[0]).toContain(`--commit-specifier ${'b'.repeat(40)} --file-path ai-optout.yaml`);
    expect(calls[1]).toContain(`--before-commit-id ${'b'.repeat(40)} --after-commit-id ${'a'.repeat(40)}`);
    expect(approval(calls)).toBe(
      'codecommit update-pull-request-approval-state --pull-request-id 7 --revision-id rev-1 --approval-state APPROVE',
    );
    expect(comment.split('\n').slice(0, 3)).toEqual([
      '## ✅ AI services opt-out: this pull request changes no account’s effective settings (2 policy changes)',
      '',
      '**The check passes: the pull request adds no violation and changes no guardrail.**',
    ]);
    expect(comment).toMatch(/<!-- ai-optout: pass -->\n$/);
  });

  it('a head that opts accounts in, as the base allows, needs a person: comment says so, REVOKE, exit 3', async () => {
    const { code, calls, comment, stdout } = await check({ head: OPTS_IN_TRANSLATE, base: ALLOWS_TRANSLATE });

    expect(code).toBe(3);
    expect(stdout).toContain(
      'ai-optout pull-request check: review (plan exit code 2, violations added: 0); a person must review it: it opts 4 accounts in to translate',
    );
    expect(comment).toContain(
      '**A person must review this pull request: the check does not approve it, because it:**\n\n- opts 4 accounts in to translate\n',
    );
    // Revoked before the comment: a comment that failed to post would leave no approval standing
    expect(calls.map((c) => c.split(' ')[1])).toEqual([
      'get-file',
      'update-pull-request-approval-state',
      'post-comment-for-pull-request',
    ]);
    expect(approval(calls)).toMatch(/--approval-state REVOKE$/);
    expect(calls.some((c) => c.includes('APPROVE'))).toBe(false);
  });

  it('a head that deletes expect and opts the root in fails on the base’s expect: REVOKE, exit 1', async () => {
    const { code, calls, comment, stdout } = await check({ head: NO_EXPECT_ROOT_OPT_IN });

    expect(code).toBe(1);
    expect(stdout).toMatch(
      /ai-optout pull-request check: fail \(plan exit code 2, violations added: 18\); a person must review it: it removes expect/,
    );
    expect(comment.split('\n')[0]).toMatch(
      /^## ❌ AI services opt-out: this pull request sets the default of 18 accounts to optIn/,
    );
    expect(approval(calls)).toMatch(/--approval-state REVOKE$/);
  });

  it('a head that cannot be planned: the error as the comment, in a block no line can close, REVOKE, exit 1', async () => {
    const broken = CONFIG.replace('services: [lex, rekognition]', 'services: [rekognition]');
    const { code, calls, comment } = await check({ head: broken });

    expect(code).toBe(1);
    expect(comment).toMatch(
      /^## ❌ AI services opt-out: the desired state cannot be planned\n\n```\nerror: /,
    );
    expect(approval(calls)).toMatch(/--approval-state REVOKE$/);
  });

  it('without a base file, every violation counts (the example organization has 5): fail, never approved', async () => {
    const { code, calls, comment, stdout } = await check({
      head: OPT_OUT_ONLY,
      prepare: (_checkout, dir) => rmSync(join(dir, 'base.yaml')),
    });

    expect(code).toBe(1);
    expect(stdout).toContain(
      'ai-optout pull-request check: fail (plan exit code 2, violations added: 5); a person must review it: it has no base to compare with, so all of it is new to the check',
    );
    expect(comment.split('\n')[0]).toBe(
      '## ❌ AI services opt-out: no base to compare with, and violations of expect',
    );
    expect(approval(calls)).toMatch(/--approval-state REVOKE$/);
  });
});

describe('the pull-request check: a hostile checkout', () => {
  it('refuses a symlinked ai-optout.yaml: the file it points at is not read, nothing is approved', async () => {
    const { code, calls, comment } = await check({
      head: OPT_OUT_ONLY,
      prepare: (checkout, dir) => {
        writeFileSync(join(dir, 'secret.yaml'), 'aws_secret_access_key: do-not-leak\n');
        rmSync(join(checkout, 'ai-optout.yaml'));
        symlinkSync(join(dir, 'secret.yaml'), join(checkout, 'ai-optout.yaml'));
      },
    });

    expect(code).toBe(1);
    expect(comment).toContain(
      'error: The desired state ai-optout.yaml is a symbolic link (ai-optout.yaml -> ',
    );
    expect(comment).not.toContain('do-not-leak');
    expect(calls.some((c) => c.includes('get-file'))).toBe(false);
    expect(approval(calls)).toMatch(/--approval-state REVOKE$/);
  });

  it('refuses a desired state under a symlinked folder', async () => {
    const { code, comment } = await check({
      head: OPT_OUT_ONLY,
      env: { CONFIG_PATH: 'config/ai-optout.yaml' },
      prepare: (checkout, dir) => {
        mkdirSync(join(dir, 'elsewhere'));
        writeFileSync(join(dir, 'elsewhere/ai-optout.yaml'), OPT_OUT_ONLY);
        symlinkSync(join(dir, 'elsewhere'), join(checkout, 'config'));
      },
    });

    expect(code).toBe(1);
    expect(comment).toContain(
      'error: The desired state config/ai-optout.yaml is a symbolic link (config -> ',
    );
  });

  it('starts with an empty report folder: reports the pull request committed are not passed off as its own', async () => {
    const broken = CONFIG.replace('services: [lex, rekognition]', 'services: [rekognition]');
    const { code, checkout, comment } = await check({
      head: broken,
      prepare: (checkout) => {
        mkdirSync(join(checkout, 'reports'));
        writeFileSync(join(checkout, 'reports/ai-optout.md'), '## ✅ all clear, approve me\n');
        writeFileSync(join(checkout, 'reports/ai-optout.json'), '{"verdict":"in-sync"}');
      },
    });

    expect(code).toBe(1);
    expect(comment).not.toContain('approve me');
    expect(existsSync(join(checkout, 'reports/ai-optout.json'))).toBe(false);
    expect(existsSync(join(checkout, 'reports/ai-optout.md'))).toBe(false);
  });

  it('a report folder linked outside the checkout: the link is replaced, what it points at is untouched', async () => {
    const { code, checkout, dir } = await check({
      head: OPT_OUT_ONLY,
      prepare: (checkout, dir) => {
        mkdirSync(join(dir, 'precious'));
        writeFileSync(join(dir, 'precious/keep.txt'), 'keep');
        symlinkSync(join(dir, 'precious'), join(checkout, 'reports'));
      },
    });

    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'precious/keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(dir, 'precious/ai-optout.json'))).toBe(false);
    expect(existsSync(join(checkout, 'reports/ai-optout.json'))).toBe(true);
  });

  it('a program named aws in the checkout does not run, even with . first on PATH', async () => {
    const { code, calls, checkout } = await check({
      head: OPT_OUT_ONLY,
      prepare: (checkout) => {
        writeFileSync(join(checkout, 'aws'), '#!/usr/bin/env bash\ntouch "$PWD/pwned"\n');
        chmodSync(join(checkout, 'aws'), 0o755);
      },
      env: (dir) => ({ PATH: `.::${join(dir, 'bin')}:${process.env.PATH}` }),
    });

    expect(existsSync(join(checkout, 'pwned'))).toBe(false);
    // The stand-in on PATH's first absolute folder answered instead
    expect(calls.map((c) => c.split(' ')[1])).toEqual([
      'get-file',
      'post-comment-for-pull-request',
      'update-pull-request-approval-state',
    ]);
    expect(code).toBe(0);
  });
});

describe('the pull-request check under GitHub Actions', () => {
  it('stops workflow commands while it prints names, then prints the annotations and its outputs', async () => {
    const { stdout, dir } = await check({
      head: OPTS_IN_TRANSLATE,
      base: ALLOWS_TRANSLATE,
      env: (dir) => ({
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: join(dir, 'github-output.txt'),
        BASE_CONFIG: join(dir, 'base.yaml'),
        PULL_REQUEST_ID: '',
        REPOSITORY_NAME: '',
      }),
    });

    const lines = stdout.trimEnd().split('\n');
    const stop = /^::stop-commands::([0-9a-f-]{36})$/.exec(lines[0] ?? '');
    expect(stop).not.toBeNull();
    const resumedAt = lines.indexOf(`::${stop?.[1]}::`);
    expect(resumedAt).toBeGreaterThan(0);
    // Nothing the runner would read as a command before the resume; annotations after it
    expect(lines.slice(1, resumedAt).filter((l) => l.startsWith('::'))).toEqual([]);
    expect(
      lines.slice(resumedAt + 1).some((l) => l.startsWith('::warning ') && l.includes('pull-request-review')),
    ).toBe(true);
    expect(readFileSync(join(dir, 'github-output.txt'), 'utf8')).toMatch(
      /^verdict=review\nplan-exit-code=2\nreports=.*\/reports\n$/,
    );
  });
});
