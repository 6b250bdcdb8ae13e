#!/usr/bin/env node
/**
 * The programs the tests run besides Node.js, found or provisioned: moto_server (the AWS emulator) and
 * cfn-lint from PyPI, headless Chromium from Debian. `npm test` runs this first (vitest's globalSetup,
 * test/support/global-setup.ts) and .ci/run runs it before `npm ci`; by hand: `node scripts/test-tools.mjs`.
 *
 * Each program is taken from, in order: its variable (MOTO_SERVER, CFN_LINT, CHROMIUM), the project's
 * `.venv/bin` (moto_server, cfn-lint), the PATH. What is missing is provisioned:
 * - moto_server, cfn-lint: a project-local virtual environment (`python3 -m venv .venv`) and pip, at the
 *   versions pinned below (pip honours PIP_INDEX_URL and the rest of its own configuration);
 * - Chromium: Debian's `chromium` package through apt-get, when running as root.
 * A step that cannot run (no python3, no venv module, no package index, not root) stops everything with
 * one sentence naming the command to run instead. Plain Node.js (no dependencies): it runs before `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The versions installed into `.venv`; the ones the tests were last run with. */
export const PINNED = { moto: '5.2.1', cfnLint: '1.51.0' };
export const PIP_PACKAGES = [`moto[server]==${PINNED.moto}`, `cfn-lint==${PINNED.cfnLint}`];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A provisioning step that cannot run: its message is the one sentence to show. */
export class ToolError extends Error {
  name = 'ToolError';
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(names, env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean))
    for (const name of names) if (executable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The program from its variable (which must then be right), the project's .venv, or the PATH. */
function find(tool, { env, root }) {
  const fromEnv = env[tool.variable]?.trim();
  if (fromEnv) {
    const path = fromEnv.includes('/') ? resolve(fromEnv) : onPath([fromEnv], env);
    if (path && executable(path)) return path;
    throw new ToolError(
      `${tool.variable} is set to "${fromEnv}", which is not an executable file: unset it, or set it to the path of ${tool.what}`,
    );
  }
  for (const name of tool.names) {
    const local = join(root, '.venv', 'bin', name);
    if (tool.venv && executable(local)) return local;
  }
  return onPath(tool.names, env);
}

const TOOLS = {
  moto: { variable: 'MOTO_SERVER', names: ['moto_server'], venv: true, what: 'a moto_server executable' },
  cfnLint: { variable: 'CFN_LINT', names: ['cfn-lint'], venv: true, what: 'a cfn-lint executable' },
  chromium: {
    variable: 'CHROMIUM',
    names: ['chromium', 'chromium-browser'],
    venv: false,
    what: 'a Chromium or Chrome executable',
  },
};

/** Runs a command, its output shown as it goes (`log`), and returns its combined output on failure. */
function defaultRun(command, args, options) {
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
}

/** The last line a failed command printed, for the sentence. */
function lastLine(error) {
  const text = `${error.stdout ?? ''}\n${error.stderr ?? ''}`.trim() || error.message;
  return text.split('\n').filter(Boolean).pop()?.trim() ?? '';
}

function installPythonTools({ env, root, run, log }) {
  const venv = join(root, '.venv');
  const byHand = `python3 -m venv .venv && .venv/bin/pip install ${PIP_PACKAGES.map((p) => `"${p}"`).join(' ')}`;
  const python = onPath(['python3'], env);
  if (!python)
    throw new ToolError(
      `moto_server and cfn-lint are not installed and there is no python3 to install them with: install Python 3 (Debian: \`apt-get install -y python3 python3-venv\`), then run \`${byHand}\` in ${root}`,
    );
  log(`Installing ${PIP_PACKAGES.join(' and ')} into ${venv} (once; the tests find them there).`);
  try {
    run(python, ['-m', 'venv', venv], { env });
  } catch (error) {
    throw new ToolError(
      `python3 could not create the virtual environment ${venv} (${lastLine(error)}): install the venv module (Debian: \`apt-get install -y python3-venv\`), then run \`${byHand}\` in ${root}`,
    );
  }
  try {
    run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', ...PIP_PACKAGES], { env });
  } catch (error) {
    throw new ToolError(
      `pip could not install ${PIP_PACKAGES.join(' and ')} into ${venv} (pip said: ${lastLine(error)}): make the Python package index reachable (or set PIP_INDEX_URL to a mirror) and run \`${venv}/bin/pip install ${PIP_PACKAGES.map((p) => `"${p}"`).join(' ')}\`, or set MOTO_SERVER and CFN_LINT to installed executables`,
    );
  }
}

function installChromium({ env, uid, run, log }) {
  const command = 'apt-get install -y --no-install-recommends chromium';
  if (uid !== 0 || !onPath(['apt-get'], env))
    throw new ToolError(
      `headless Chromium (for the HTML report's browser test) is not installed, and ${uid !== 0 ? 'this user is not root' : 'there is no apt-get'}: run \`sudo ${command}\` (Debian, Ubuntu), or set CHROMIUM to ${TOOLS.chromium.what}`,
    );
  log(`Installing Debian's chromium (${command}).`);
  try {
    run('apt-get', ['update', '-qq'], { env });
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    throw new ToolError(
      `apt-get could not install chromium (${lastLine(error)}): run \`${command}\` and read its output`,
    );
  }
}

/**
 * Finds every tool, provisioning what is missing; returns their paths as the variables the tests read.
 * Throws a ToolError (one sentence) when a step cannot run.
 */
export function provisionTestTools({
  env = process.env,
  root = ROOT,
  uid = process.getuid?.() ?? 0,
  run = defaultRun,
  log = (line) => process.stderr.write(`test tools: ${line}\n`),
} = {}) {
  const context = { env, root, uid, run, log };
  let moto = find(TOOLS.moto, context);
  let cfnLint = find(TOOLS.cfnLint, context);
  if (!moto || !cfnLint) {
    installPythonTools(context);
    moto = moto ?? find(TOOLS.moto, context);
    cfnLint = cfnLint ?? find(TOOLS.cfnLint, context);
    if (!moto || !cfnLint)
      throw new ToolError(
        `pip finished, but ${root}/.venv/bin lacks ${moto ? 'cfn-lint' : 'moto_server'}: remove ${root}/.venv and run again`,
      );
  }
  let chromium = find(TOOLS.chromium, context);
  if (!chromium) {
    installChromium(context);
    chromium = find(TOOLS.chromium, context);
    if (!chromium)
      throw new ToolError(
        'apt-get installed chromium, but no chromium is on the PATH: set CHROMIUM to its path',
      );
  }
  return { MOTO_SERVER: moto, CFN_LINT: cfnLint, CHROMIUM: chromium };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const found = provisionTestTools();
    for (const [name, path] of Object.entries(found)) process.stdout.write(`${name}=${path}\n`);
  } catch (error) {
    process.stderr.write(`test tools: ${error instanceof ToolError ? error.message : error}\n`);
    process.exitCode = 1;
  }
}
