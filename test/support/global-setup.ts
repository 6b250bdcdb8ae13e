/**
 * Before any test file: the programs the tests run (moto_server, cfn-lint, headless Chromium) found or
 * provisioned by scripts/test-tools.mjs, their paths passed to every test process as MOTO_SERVER,
 * CFN_LINT and CHROMIUM; a folder for this run that tests share expensive work through (the packed
 * tarball, test/support/packed-package.ts); and the command line bundled once (cli-bundle.ts), so the
 * tests that spawn it start compiled code instead of transpiling the sources in every process. A tool
 * that cannot be had stops the run with one sentence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionTestTools, ToolError } from '../../scripts/test-tools.mjs';
import { bundleCliForTests, CLI_BUNDLE_VARIABLE } from './cli-bundle.ts';

/** The variable naming this run's shared folder (set here, read by the test processes). */
export const RUN_DIR_VARIABLE = 'AI_OPTOUT_TEST_RUN_DIR';

export default async function setup(): Promise<() => void> {
  try {
    Object.assign(process.env, provisionTestTools());
  } catch (error) {
    // One sentence, without the stack of this file: the message says what to run.
    if (error instanceof ToolError) throw new Error(error.message);
    throw error;
  }
  const runDir = mkdtempSync(join(tmpdir(), 'ai-optout-test-run-'));
  process.env[RUN_DIR_VARIABLE] = runDir;
  const cli = await bundleCliForTests();
  process.env[CLI_BUNDLE_VARIABLE] = cli;
  return () => {
    rmSync(runDir, { recursive: true, force: true });
    rmSync(cli, { recursive: true, force: true });
  };
}
