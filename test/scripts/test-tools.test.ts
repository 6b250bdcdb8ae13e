/**
 * scripts/test-tools.mjs on a machine without the tools: moto_server and cfn-lint hidden from PATH (a
 * PATH of its own holding python3 and nothing else, a temporary project root without a .venv, pip's
 * machine configuration ignored), nothing uninstalled. The pip path runs for real against a stand-in
 * index (a local folder of two small wheels named moto and cfn-lint, whose console scripts print a
 * marker), and against an index that cannot be reached; apt-get is recorded, never run.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED, PIP_PACKAGES, provisionTestTools, type Run, ToolError } from '../../scripts/test-tools.mjs';

let work: string;
let bin: string;
let wheels: string;

/** A wheel named `name` whose console script `script` prints `fake <script>`. */
function wheel(name: string, version: string, script: string, extra?: string): void {
  const module = `fake_${name.replace(/-/g, '_')}`;
  const info = `${name.replace(/-/g, '_')}-${version}.dist-info`;
  const files: Record<string, string> = {
    [`${module}/__init__.py`]: `def main():\n    print("fake ${script}")\n`,
    [`${info}/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${extra ? `Provides-Extra: ${extra}\n` : ''}`,
    [`${info}/WHEEL`]: 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    [`${info}/entry_points.txt`]: `[console_scripts]\n${script} = ${module}:main\n`,
  };
  files[`${info}/RECORD`] = `${Object.keys(files)
    .map((f) => `${f},,`)
    .join('\n')}\n${info}/RECORD,,\n`;
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
  writeFileSync(join(wheels, `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`), zip);
}

/** The environment of a machine with python3 and nothing else on its PATH; pip's own configuration ignored. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: bin, HOME: work, PIP_CONFIG_FILE: '/dev/null', PIP_NO_CACHE_DIR: '1', ...extra };
}

function projectRoot(): string {
  return mkdtempSync(join(work, 'project-'));
}

const chromium = { CHROMIUM: process.env.CHROMIUM ?? '/usr/bin/chromium' };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ai-optout-test-tools-'));
  bin = join(work, 'bin');
  wheels = join(work, 'wheels');
  mkdirSync(bin);
  mkdirSync(wheels);
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).trim();
  symlinkSync(python, join(bin, 'python3'));
  wheel('moto', PINNED.moto, 'moto_server', 'server');
  wheel('cfn-lint', PINNED.cfnLint, 'cfn-lint');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('moto_server and cfn-lint hidden from PATH', () => {
  it('creates the project .venv, installs the pinned versions from the index pip is given, and finds them there', () => {
    const root = projectRoot();
    const said: string[] = [];

    const found = provisionTestTools({
      env: bareEnv({ PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels, ...chromium }),
      root,
      log: (line) => said.push(line),
    });

    expect(said).toEqual([
      `Installing ${PIP_PACKAGES.join(' and ')} into ${root}/.venv (once; the tests find them there).`,
    ]);
    expect(found).toEqual({
      MOTO_SERVER: `${root}/.venv/bin/moto_server`,
      CFN_LINT: `${root}/.venv/bin/cfn-lint`,
      CHROMIUM: chromium.CHROMIUM,
    });
    expect(execFileSync(found.MOTO_SERVER, { encoding: 'utf8' })).toBe('fake moto_server\n');
    expect(execFileSync(found.CFN_LINT, { encoding: 'utf8' })).toBe('fake cfn-lint\n');
    // A second run finds them in .venv and installs nothing.
    const again: string[] = [];
    expect(provisionTestTools({ env: bareEnv(chromium), root, log: (l) => again.push(l) })).toEqual(found);
    expect(again).toEqual([]);
  }, 120_000);

  it('an index that cannot be reached: one sentence naming the pip command to run', () => {
    const root = projectRoot();
    const env = bareEnv({
      PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
      PIP_RETRIES: '0',
      PIP_TIMEOUT: '5',
      ...chromium,
    });

    const error = (() => {
      try {
        provisionTestTools({ env, root, log: () => {} });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(ToolError);
    expect(error?.message).toMatch(
      new RegExp(
        `^pip could not install moto\\[server\\]==${PINNED.moto} and cfn-lint==${PINNED.cfnLint} into ${root}/\\.venv \\(pip said: .+\\): make the Python package index reachable \\(or set PIP_INDEX_URL to a mirror\\) and run \`${root}/\\.venv/bin/pip install "moto\\[server\\]==${PINNED.moto}" "cfn-lint==${PINNED.cfnLint}"\`, or set MOTO_SERVER and CFN_LINT to installed executables$`,
      ),
    );
    expect(error?.message).not.toContain('\n');
  }, 120_000);

  it('no python3 either: one sentence naming the packages and the command', () => {
    expect(() =>
      provisionTestTools({
        env: { PATH: join(work, 'empty'), ...chromium },
        root: projectRoot(),
        log: () => {},
      }),
    ).toThrow(
      /^moto_server and cfn-lint are not installed and there is no python3 to install them with: install Python 3 \(Debian: `apt-get install -y python3 python3-venv`\), then run `python3 -m venv \.venv && \.venv\/bin\/pip install "moto\[server\]==[\d.]+" "cfn-lint==[\d.]+"` in /,
    );
  });

  it('a variable that names no executable is refused, naming it', () => {
    expect(() =>
      provisionTestTools({
        env: bareEnv({ MOTO_SERVER: '/nowhere/moto_server' }),
        root: projectRoot(),
        log: () => {},
      }),
    ).toThrow(
      'MOTO_SERVER is set to "/nowhere/moto_server", which is not an executable file: unset it, or set it to the path of a moto_server executable',
    );
  });
});

describe('headless Chromium hidden from PATH', () => {
  /** A machine whose moto_server and cfn-lint are there (stand-ins), and whose Chromium is not. */
  function withPythonTools(): { env: NodeJS.ProcessEnv; tools: string } {
    const tools = mkdtempSync(join(work, 'tools-'));
    for (const name of ['moto_server', 'cfn-lint', 'apt-get']) {
      writeFileSync(join(tools, name), '#!/bin/sh\nexit 0\n');
      chmodSync(join(tools, name), 0o755);
    }
    return { env: { PATH: `${tools}:${bin}` }, tools };
  }

  it('not root: one sentence with the apt-get command, and nothing run', () => {
    const { env } = withPythonTools();
    const ran: string[] = [];

    expect(() =>
      provisionTestTools({
        env,
        root: projectRoot(),
        uid: 1000,
        run: (c, a) => void ran.push([c, ...a].join(' ')),
        log: () => {},
      }),
    ).toThrow(
      "headless Chromium (for the HTML report's browser test) is not installed, and this user is not root: run `sudo apt-get install -y --no-install-recommends chromium` (Debian, Ubuntu), or set CHROMIUM to a Chromium or Chrome executable",
    );
    expect(ran).toEqual([]);
  });

  it("root: Debian's chromium through apt-get (update, then install), then found on the PATH", () => {
    const { env, tools } = withPythonTools();
    const ran: string[] = [];
    const run: Run = (command, args) => {
      ran.push([command, ...args].join(' '));
      if (args.includes('install')) {
        writeFileSync(join(tools, 'chromium'), '#!/bin/sh\n');
        chmodSync(join(tools, 'chromium'), 0o755);
      }
    };

    const found = provisionTestTools({ env, root: projectRoot(), uid: 0, run, log: () => {} });

    expect(ran).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends chromium']);
    expect(found.CHROMIUM).toBe(join(tools, 'chromium'));
  });
});
