/**
 * What the CLI prints to a terminal holds values of the desired state and names of the organization:
 * their control characters (an ANSI escape that clears the screen, a carriage return that rewrites the
 * line) are shown as escapes, in errors and in apply's steps, never sent to the terminal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStep } from '../../../bin/cli/report.ts';
import { runCli } from '../../support/cli-in-process.ts';

const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ai-optout-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('control characters never reach the terminal', () => {
  it('an error naming a file whose name holds an ANSI escape and a carriage return shows them as escapes', async () => {
    const missing = join(dir, 'no\u001b[2Jsuch\r.yaml');

    const { code, stderr } = await runCli(['plan', '--config', missing, '--snapshot', SNAPSHOT], {
      now: new Date('2026-11-27T00:00:00Z'),
    });

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: config file ${join(dir, 'no\\x1b[2Jsuch\\r.yaml')} does not exist: check the path\n`,
    );
  });

  it("apply's step lines show a policy name's and a path's control characters as escapes", () => {
    const line = describeStep({
      action: 'attach-policy',
      policy: 'baseline\u001b[8m',
      targetPath: 'Root/\u009b31mProd',
      outcome: 'done',
      detail: '',
    } as Parameters<typeof describeStep>[0]);

    expect(line).toBe('  ✓ attach-policy baseline\\x1b[8m → Root/\\x9b31mProd');
  });
});
