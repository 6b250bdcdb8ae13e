/**
 * The CLI never destroys its input and is never silent, run in process through the real `main` (the
 * spawned bin adds only process start-up; test/bin/cli/main.test.ts spawns it for the headline cases):
 * `--out` refuses to write over `--config` or `--snapshot` (through symbolic and hard links too) and
 * writes through a temporary file renamed into place; every invalid flag value prints one sentence
 * and exits 1; long values are cut in messages.
 */
import {
  copyFileSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../bin/cli/io.ts';
import { main } from '../../../bin/cli/main.ts';
import { anchorUsedTimes, nestedMappings } from '../../support/hostile-inputs.ts';

const CONFIG = fileURLToPath(new URL('../../../config/ai-optout.yaml', import.meta.url));
const SNAPSHOT = fileURLToPath(new URL('../../../examples/lza-organization.snapshot.json', import.meta.url));
const CONFIG_TEXT = readFileSync(CONFIG, 'utf8');
const SNAPSHOT_TEXT = readFileSync(SNAPSHOT, 'utf8');

const root = mkdtempSync(join(tmpdir(), 'ai-optout-cli-inputs-'));
let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliOn({ color: false }, ...args);
}

/** The CLI in process; `terminal.color` says whether stdout takes colours. */
async function cliOn(
  terminal: { color: boolean },
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    color: terminal.color,
    now: () => new Date('2026-11-26T12:00:00Z'),
    interactive: false,
    ask: async () => '',
  };
  const code = await main(['node', 'ai-optout', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function copy(from: string, name: string): string {
  const path = join(dir, name);
  copyFileSync(from, path);
  return path;
}

describe('--out never destroys an input', () => {
  it.each([
    ['the --config file', (config: string) => config],
    [
      'a symbolic link to the --config file',
      (config: string) => {
        const link = join(dir, 'link.yaml');
        symlinkSync(config, link);
        return link;
      },
    ],
    [
      'a hard link to the --config file',
      (config: string) => {
        const link = join(dir, 'hard.yaml');
        linkSync(config, link);
        return link;
      },
    ],
  ])('plan --out %s is refused in one sentence, the file untouched', async (_name, outFor) => {
    // Prepare
    const config = copy(CONFIG, 'ai-optout.yaml');
    const out = outFor(config);

    // Act
    const result = await cli('plan', '--config', config, '--snapshot', SNAPSHOT, '--out', out);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: --out ${out} is the --config file ${out === config ? '' : `${config} `}itself: writing the report there would destroy it; choose another --out path\n`,
    );
    expect(readFileSync(config, 'utf8')).toBe(CONFIG_TEXT);
  });

  it('plan --out the --snapshot file is refused, the snapshot untouched', async () => {
    // Prepare
    const snapshot = copy(SNAPSHOT, 'org.json');

    // Act
    const result = await cli('plan', '--config', CONFIG, '--snapshot', snapshot, '--out', snapshot);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --out \S+ is the --snapshot file itself: /);
    expect(readFileSync(snapshot, 'utf8')).toBe(SNAPSHOT_TEXT);
  });

  it('replaces an old report by renaming a new file into place, leaving no temporary file', async () => {
    // Prepare
    const out = join(dir, 'report.json');
    writeFileSync(out, 'old report\n', { mode: 0o640 });
    const before = statSync(out);

    // Act
    const result = await cli(
      'plan',
      '--config',
      CONFIG,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
      '--out',
      out,
    );

    // Assess
    expect(result.code).toBe(2);
    const after = statSync(out);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(JSON.parse(readFileSync(out, 'utf8')).reportVersion).toBe(1);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('writes through a symbolic link to the report, keeping the link', async () => {
    // Prepare
    const target = join(dir, 'real.md');
    const link = join(dir, 'report.md');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);

    // Act
    const result = await cli(
      'plan',
      '--config',
      CONFIG,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'markdown',
      '--out',
      link,
    );

    // Assess
    expect(result.code).toBe(2);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/^## .* AI services opt-out: drift\n/);
  });
});

describe('every invalid flag value prints one sentence and exits 1', () => {
  it.each([
    ['--limit', '0'],
    ['--limit', 'abc'],
    ['--limit', '1e3'],
    ['--limit', '1.5'],
    ['--limit', '-1'],
    ['--limit', ' 5'],
    ['--limit', '99999999999999999999'],
  ])('%s %j', async (flag, value) => {
    // Act
    const result = await cli('plan', '--snapshot', SNAPSHOT, flag, value);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: --limit takes a whole number of at least 1 written in digits, such as 100; \`${value}\` is not one\n`,
    );
  });

  it('--limit 1000 is a thousand, and 1 is one', async () => {
    // Act
    const many = await cli('plan', '--snapshot', SNAPSHOT, '--limit', '1000');
    const one = await cli('plan', '--snapshot', SNAPSHOT, '--limit', '1');

    // Assess
    expect(many.stdout).not.toContain('… and');
    expect(one.stdout).toContain('… and 4 more accounts');
  });

  it.each([
    ['plan', '--format', 'yaml', '`text`, `json`, `markdown`, `html`, `sarif`, `junit`, `github`'],
    ['apply', '--format', 'sarif', '`text`, `json`, `markdown`, `html`'],
    ['plan', '--mode', 'Enforce', '`audit`, `enforce`'],
    ['plan', '--pace', 'fast', '`published`, `none`'],
    ['validate', '--format', 'markdown', '`text`, `json`, `sarif`, `junit`, `github`'],
  ])('%s %s %s names the choices', async (command, flag, value, choices) => {
    // Act
    const result = await cli(command, '--snapshot', SNAPSHOT, flag, value);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${flag} takes ${choices}; \`${value}\` is not one of them\n`);
  });

  it('a value of 100,000 characters is echoed cut, with its length', async () => {
    // Act
    const result = await cli('plan', '--snapshot', SNAPSHOT, '--format', 'x'.repeat(100_000));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --format takes \`text\`, \`json\`, \`markdown\`, \`html\`, \`sarif\`, \`junit\`, \`github\`; \`${'x'.repeat(200)}… (100,000 characters)\` is not one of them\n`,
    );
  });

  it("commander's own errors are printed, with long lines cut", async () => {
    // Act
    const unknown = await cli('plan', `--${'y'.repeat(50_000)}`);

    // Assess
    expect(unknown.code).toBe(1);
    const lines = unknown.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: unknown option '--yyyy/);
    expect(lines[0]).toContain('… (50,');
    for (const line of lines) expect(line.length).toBeLessThan(500);
  });
});

describe('validate on hostile files', () => {
  it('a 10 MB scalar: one line saying the file is too large, without reading it all', async () => {
    // Prepare
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `version: 1\nmode: ${'x'.repeat(10_000_000)}\n`);

    // Act
    const result = await cli('validate', '--config', file);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${file}:1:1: error: the file is larger than 1,048,576 bytes (1 MiB), the most a desired state may have; a real file is a few kilobytes: check that this is the right file\n${file}: invalid (1 error)\n`,
    );
  });

  it('a valid file using one anchor 150 times is valid', async () => {
    // Prepare
    const file = join(dir, 'anchors.yaml');
    writeFileSync(file, anchorUsedTimes(150));

    // Act
    const result = await cli('validate', '--config', file);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${file}: valid (151 policies, 151 targets)\n`);
  });

  it('3,000 nested flow mappings: one located error at the 32nd, the 33rd level of the file', async () => {
    // Prepare
    const file = join(dir, 'nested.yaml');
    writeFileSync(file, `version: 1\nmode: ${'{k: '.repeat(3000)}1${'}'.repeat(3000)}\n`);

    // Act
    const result = await cli('validate', '--config', file);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${file}:2:131: error: mappings and lists nest more than 32 deep here; a real desired state nests 5 deep and has a few thousand keys and list items at most\n${file}: invalid (1 error)\n`,
    );
  });

  it('3,000 nested block mappings (4.5 MB): refused by size, at 1:1', async () => {
    // Prepare
    const file = join(dir, 'nested-block.yaml');
    writeFileSync(file, nestedMappings(3000));

    // Act
    const result = await cli('validate', '--config', file, '--format', 'json');

    // Assess
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'file-too-large', location: { file, line: 1, col: 1 } }),
    ]);
  });
});

describe('colours', () => {
  const ESC = String.fromCharCode(27);
  const ANSI = new RegExp(`${ESC}\\[`);
  const ANSI_CODES = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

  it('a terminal that takes colours gets them; --no-color turns them off; a plain stdout never gets them', async () => {
    // Act
    const terminal = await cliOn({ color: true }, 'demo', '--limit', '2');
    const noColor = await cliOn({ color: true }, '--no-color', 'demo', '--limit', '2');
    const plain = await cliOn({ color: false }, 'demo', '--limit', '2');

    // Assess
    expect([terminal.code, noColor.code, plain.code]).toEqual([0, 0, 0]);
    expect(terminal.stdout).toMatch(ANSI);
    expect(noColor.stdout).not.toMatch(ANSI);
    expect(noColor.stdout).toBe(plain.stdout);
    expect(terminal.stdout.replace(ANSI_CODES, '')).toBe(plain.stdout);
  });
});
