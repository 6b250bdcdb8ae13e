/**
 * `--out` writes files and nothing else (bin/cli/out-file.ts), through the real `main` in process: each
 * kind of target a user (or a CI runner, as root) can name, and what happens to it. The FIFO, socket and
 * directory are made in a temporary folder; standard output is reached through a temporary symbolic link
 * to /dev/stdout's name, never through the machine's own /dev/stdout.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../bin/cli/io.ts';
import { main } from '../../../bin/cli/main.ts';

const CONFIG = fileURLToPath(new URL('../../../config/ai-optout.yaml', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const SUMMARY = /^drift: 9 changes, .* non-compliant$/m;

const root = mkdtempSync(join(tmpdir(), 'ai-optout-cli-out-'));
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Whether the command asked for AWS (a live read). */
  calledAws: boolean;
}

async function cli(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let calledAws = false;
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    color: false,
    now: () => new Date('2026-11-26T12:00:00Z'),
    interactive: false,
    ask: async () => '',
    live: () => {
      calledAws = true;
      throw new Error('no AWS in this test');
    },
  };
  const code = await main(['node', 'ai-optout', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join(''), calledAws };
}

const plan = (out: string) => cli('plan', '--config', CONFIG, '--snapshot', SNAPSHOT, '--out', out);

describe('plan --out: each kind of target', () => {
  it('`-` and /dev/stdout are standard output: the whole report, no "Report written"', async () => {
    const dash = await plan('-');
    const named = await plan('/dev/stdout');

    expect(dash.code).toBe(2);
    expect(dash.stdout).toMatch(/^AI services opt-out plan for o-k3x9p2m7qa/);
    expect(dash.stdout).not.toMatch(/Report written/);
    expect(named).toEqual(dash);
  });

  it('a new path is written whole; missing folders are created and the CLI says so', async () => {
    const out = join(dir, 'reports', 'today', 'plan.txt');

    const result = await plan(out);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Created the folder ${join(dir, 'reports', 'today')} for --out.\n`);
    expect(result.stdout).toMatch(SUMMARY);
    expect(result.stdout).toContain(`Report written to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toMatch(/^AI services opt-out plan for o-k3x9p2m7qa/);
  });

  it('a regular file is replaced atomically: no temporary file is left, and its mode is kept', async () => {
    const out = join(dir, 'plan.txt');
    writeFileSync(out, 'old report', { mode: 0o640 });

    const result = await plan(out);

    expect(result.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toMatch(/^AI services opt-out plan/);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['plan.txt']);
  });

  it('a character device is written through, never replaced', async () => {
    const before = statSync('/dev/null');

    const result = await plan('/dev/null');

    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Report written to /dev/null\n');
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect([after.ino, after.rdev]).toEqual([before.ino, before.rdev]);
  });

  /** Makes the target in `d` and returns its path. */
  const makers = {
    directory: (d: string) => mkdirSync(join(d, 'reports')),
    fifo: (d: string) => execFileSync('mkfifo', [join(d, 'fifo')]),
    socket: (d: string) =>
      execFileSync('python3', [
        '-c',
        `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(join(d, 'sock'))})`,
      ]),
  };
  it.each([
    ['a directory', 'reports', makers.directory, 'a directory'],
    ['a FIFO', 'fifo', makers.fifo, 'a FIFO (named pipe)'],
    ['a socket', 'sock', makers.socket, 'a socket'],
  ] as const)('%s is refused in one sentence, and left as it was', async (_kind, name, make, words) => {
    make(dir);
    const out = join(dir, name);
    const before = lstatSync(out);

    const result = await plan(out);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: --out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is ${words.replace(/[()]/g, '\\$&')}, not a file: give the path of a file to write.*, or \`--out -\` for standard output\\n$`,
      ),
    );
    const after = lstatSync(out);
    expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
    expect(readdirSync(dir)).toEqual([name]);
  });

  it('an empty --out is an error, not standard output', async () => {
    const result = await plan('');

    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: --out is empty: give a file path, or `-` for standard output\n',
    });
  });
});

describe('snapshot --out', () => {
  it('refuses an existing file that is not a snapshot before reading the organization', async () => {
    const desired = join(dir, 'ai-optout.yaml');
    writeFileSync(desired, readFileSync(CONFIG));

    const result = await cli('snapshot', '--out', desired);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --out ${desired} exists and is not an organization snapshot: writing the snapshot there would destroy it; choose another path, or delete the file first\n`,
    );
    expect(result.calledAws).toBe(false);
    expect(readFileSync(desired, 'utf8')).toBe(readFileSync(CONFIG, 'utf8'));
  });

  it('refuses a directory before reading the organization', async () => {
    const result = await cli('snapshot', '--out', dir);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --out .* is a directory, not a file/);
    expect(result.calledAws).toBe(false);
  });

  it('goes on to read the organization when the file is an older snapshot, or new', async () => {
    const older = join(dir, 'older.json');
    writeFileSync(older, readFileSync(SNAPSHOT));

    for (const out of [older, join(dir, 'new.json')]) {
      const result = await cli('snapshot', '--out', out);
      expect(result.calledAws, out).toBe(true);
    }
  });
});
