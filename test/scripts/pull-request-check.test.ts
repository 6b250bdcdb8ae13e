/**
 * scripts/pull-request-check.sh, the script the CodeBuild check runs, with the real CLI and a stand-in
 * `aws` command on PATH that answers codecommit get-file with the base's file (base64, as GetFile returns
 * it) and records every call: the comment (its content file) and the approval state it sets.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/pull-request-check.sh');
const SNAPSHOT = join(ROOT, 'examples/lza-organization.snapshot.json');
const CONFIG = readFileSync(join(ROOT, 'config/ai-optout.yaml'), 'utf8');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for the AWS CLI: get-file prints the base's file base64-encoded; every call is logged. */
const FAKE_AWS = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$AWS_CALLS"
case "$2" in
  get-file) base64 -w0 "$BASE_FILE"; echo ;;
  post-comment-for-pull-request)
    for arg in "$@"; do case "$arg" in file://*) cp "\${arg#file://}" "$AWS_CALLS.comment" ;; esac; done ;;
esac
`;

async function check(head: string, base: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ai-optout-pr-check-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'ai-optout.yaml'), head);
  writeFileSync(join(dir, 'base.yaml'), base);
  writeFileSync(join(dir, 'aws'), FAKE_AWS);
  chmodSync(join(dir, 'aws'), 0o755);
  const env = {
    PATH: `${dir}:${process.env.PATH}`,
    HOME: dir,
    AWS_CALLS: join(dir, 'calls.log'),
    BASE_FILE: join(dir, 'base.yaml'),
    SNAPSHOT_URL: SNAPSHOT,
    AI_OPTOUT_TOOL_DIR: ROOT,
    REPOSITORY_NAME: 'aws-accelerator-config',
    PULL_REQUEST_ID: '7',
    SOURCE_COMMIT: 'a'.repeat(40),
    DESTINATION_COMMIT: 'b'.repeat(40),
    REVISION_ID: 'rev-1',
  };
  const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile('bash', [SCRIPT], { cwd: dir, env }, (error, stdout) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
  const calls = readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
  const comment = readFileSync(join(dir, 'calls.log.comment'), 'utf8');
  const junit = readFileSync(join(dir, 'reports/ai-optout.xml'), 'utf8');
  return { ...result, calls, comment, junit };
}

describe('the CodeBuild pull-request check', () => {
  it('a head that adds an allowed exception: comment leads with the pull request, approval APPROVE, exit 0', async () => {
    const head = CONFIG.replace('      lex: optIn\n', '      lex: optIn\n      translate: optIn\n').replace(
      'services: [lex, rekognition]',
      'services: [lex, rekognition, translate]',
    );
    const { code, calls, comment, junit, stdout } = await check(head, CONFIG);
    expect(stdout).toContain('ai-optout pull-request check: pass (plan exit code 2, violations added: 0)');
    expect(code).toBe(0);
    expect(calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'codecommit get-file',
      'codecommit post-comment-for-pull-request',
      'codecommit update-pull-request-approval-state',
    ]);
    expect(calls[0]).toContain(`--commit-specifier ${'b'.repeat(40)} --file-path ai-optout.yaml`);
    expect(calls[1]).toContain(`--before-commit-id ${'b'.repeat(40)} --after-commit-id ${'a'.repeat(40)}`);
    expect(calls[2]).toBe(
      'codecommit update-pull-request-approval-state --pull-request-id 7 --revision-id rev-1 --approval-state APPROVE',
    );
    expect(comment.split('\n')[0]).toBe(
      '## 🔀 AI services opt-out: this pull request opts 4 accounts in to translate (1 policy change)',
    );
    expect(comment.length).toBeLessThanOrEqual(10_240);
    expect(junit).toContain('<testsuite name="expect optOut: all"');
  });

  it('a head that cannot be planned: the error as the comment, approval REVOKE, exit 1', async () => {
    const broken = CONFIG.replace('services: [lex, rekognition]', 'services: [rekognition]');
    const { code, calls, comment } = await check(broken, CONFIG);
    expect(code).toBe(1);
    expect(comment).toMatch(
      /^## ❌ AI services opt-out: the desired state cannot be planned\n\n```\nerror: /,
    );
    expect(calls.at(-1)).toBe(
      'codecommit update-pull-request-approval-state --pull-request-id 7 --revision-id rev-1 --approval-state REVOKE',
    );
  });
});
