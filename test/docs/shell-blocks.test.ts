/**
 * Every command in README.md and docs/*.md runs as written. Each shell block (```console, sh, bash) is
 * either run here, or marked just above it with `<!-- not run: why -->` (deploys, installs from the
 * registry, synopses), or `<!-- needs: moto -->` (run against a moto server, its documented port
 * replaced by the test's). In a block, `$ command` lines are followed by the output they print, which
 * must appear in that order; a block without `$` is a list of commands, each of which must succeed.
 * Commands run through bash in the repository root, where `npx ai-optout` is this checkout's CLI.
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { createLzaOrg, TEST_CREDENTIALS } from '../support/moto-org.ts';

interface Block {
  file: string;
  line: number;
  marker: string | undefined;
  text: string;
}

const DOCS = [
  'README.md',
  ...readdirSync(join(PACKAGE_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function shellBlocks(): Block[] {
  return DOCS.flatMap((file) => {
    const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
    return [...text.matchAll(/```(?:console|sh|bash|shell)\n([\s\S]*?)```/g)].map((m) => {
      const before = text.slice(0, m.index).trimEnd();
      const marker = /<!-- ((?:not run|needs): [^>]*?) -->$/.exec(before)?.[1];
      return { file, line: before.split('\n').length + 1, marker, text: m[1] as string };
    });
  });
}

interface Step {
  command: string;
  expected: string[];
}

/** `$ command` lines with the output after them, or (no `$`) every command line with no expected output. */
function steps(text: string): Step[] {
  const lines = text
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (!lines.some((l) => l.startsWith('$ ')))
    return lines.map((l) => ({ command: l.replace(/\s+#.*$/, ''), expected: [] }));
  const result: Step[] = [];
  for (const line of lines) {
    if (line.startsWith('$ ')) result.push({ command: line.slice(2), expected: [] });
    else result.at(-1)?.expected.push(line);
  }
  return result;
}

interface Ran {
  code: number;
  output: string;
}

function bash(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', `${command} 2>&1`],
      { cwd, env: { ...process.env, ...env }, encoding: 'utf8' },
      (error, stdout) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout }),
    );
  });
}

/** Each expected line appears in the output, in order. */
function expectInOrder(output: string, expected: string[], where: string): void {
  let from = 0;
  for (const line of expected) {
    const at = output.indexOf(line, from);
    expect(at, `${where}: "${line}" not found in:\n${output}`).toBeGreaterThanOrEqual(0);
    from = at + line.length;
  }
}

const blocks = shellBlocks();
const offline = blocks.filter((b) => b.marker === undefined);

describe('the shell blocks of README.md and docs/', () => {
  it('are each run, or marked with the reason they are not', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(offline.length).toBeGreaterThan(0);
    const marked = blocks.filter((b) => b.marker !== undefined);
    for (const b of marked)
      expect(b.marker, `${b.file}:${b.line}`).toMatch(/^(not run: .{10,}|needs: moto)$/);
  });

  it.each(offline.map((b) => [`${b.file}:${b.line}`, b] as const))(
    '%s runs as written',
    async (where, block) => {
      for (const step of steps(block.text)) {
        const ran = await bash(step.command, PACKAGE_ROOT);
        if (step.expected.length === 0) expect(ran.code, `${where}: ${step.command}\n${ran.output}`).toBe(0);
        expectInOrder(ran.output, step.expected, where);
      }
    },
    60_000,
  );
});

describe('the blocks that need moto', () => {
  let moto: MotoServer;
  let project: string;
  const needsMoto = blocks.filter((b) => b.marker === 'needs: moto');

  beforeAll(async () => {
    moto = await startMoto();
    const admin = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: TEST_CREDENTIALS,
    });
    await createLzaOrg(admin);
    admin.destroy();
    // A user's folder: the CLI as its installed command, and an ai-optout.yaml that fits the organization.
    project = mkdtempSync(join(tmpdir(), 'ai-optout-docs-'));
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(
      join(PACKAGE_ROOT, 'bin', 'ai-optout.mjs'),
      join(project, 'node_modules', '.bin', 'ai-optout'),
    );
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'docs-user', private: true }));
    writeFileSync(
      join(project, 'ai-optout.yaml'),
      'version: 1\npolicies:\n  - name: ai-optout-baseline\n    default: optOut\n    targets: [root]\nexpect:\n  optOut: all\n',
    );
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("docs/cli.md's emulator example plans the organization (exit 2: drift); without --verify none it says what to do", async () => {
    expect(needsMoto.map((b) => b.file)).toEqual(['docs/cli.md']);
    const [block] = needsMoto as [Block];
    const command = block.text
      .replace(/\\\n\s*/g, '')
      .trim()
      .replaceAll('http://127.0.0.1:5000', moto.endpoint);
    const env = {
      AWS_PROFILE: '',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };

    const ran = await bash(command, project, env);

    expect(ran.output).toContain('Reading ai-optout.yaml (no --config given).');
    expect(ran.output).toMatch(/^drift: /m);
    expect(ran.code).toBe(2);
    const documented = blocks.find((b) =>
      b.text.startsWith('error: http://127.0.0.1:5000 does not implement'),
    );
    const without = await bash(command.replace(' --verify none', ''), project, env);
    expect(without.code).toBe(1);
    expect(without.output).toContain(
      documented?.text.trim().replaceAll('http://127.0.0.1:5000', moto.endpoint),
    );
  }, 60_000);
});
