/**
 * The repository's CDK app as `npx cdk synth` runs it (bin/app.ts, cdk.json): without AWS credentials or
 * Docker, and failing on a misspelt `-c` setting with the setting it probably meant.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

describe('npx cdk synth', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out = mkdtempSync(join(tmpdir(), 'ai-optout-cdk-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    ['default settings', []],
    ['-c mode=enforce', ['-c', 'mode=enforce']],
  ])(
    'works with no AWS credentials and no Docker: %s',
    (_name, args) => {
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
      );
      const output = join(out, args.length === 0 ? 'default' : 'enforce');
      execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', output, ...args], {
        cwd: root,
        env: { ...env, HOME: out },
        encoding: 'utf8',
        stdio: 'pipe',
      });
      const template = JSON.parse(readFileSync(join(output, 'AiOptOutPipeline.template.json'), 'utf8'));
      const text = JSON.stringify(template);
      expect(text).toContain('"Runtime":"nodejs24.x"');
      if (args.length === 0) expect(text).not.toContain('organizations:CreatePolicy');
      else expect(text).toContain('organizations:CreatePolicy');
    },
    120_000,
  );

  it('fails on a misspelt setting, naming the setting it meant: -c lzaprefix=ACME', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
    );
    let status = 0;
    let stderr = '';
    try {
      execFileSync(
        'npx',
        ['cdk', 'synth', '--quiet', '--output', join(out, 'typo'), '-c', 'lzaprefix=ACME'],
        {
          cwd: root,
          env: { ...env, HOME: out },
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    } catch (error) {
      status = (error as { status: number }).status;
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(status).not.toBe(0);
    expect(stderr).toContain(
      'error: invalid deployment settings: unknown setting lzaprefix (did you mean `lzaPrefix`?)',
    );
  }, 120_000);
});
