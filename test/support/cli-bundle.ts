/**
 * The command line as the package ships it, bundled from the sources by the package build's own
 * options (lib/cli-bundle.ts) once per test run (global-setup.ts): a spawned `ai-optout` then starts in
 * about a quarter of the time the sources take through tsx, and the tests run the code users run. The
 * bundle sits two folders below the package root, as dist/cli/ does, so the package's files resolve
 * from it as they do from dist/cli/ (its package.json, the AWS SDK in node_modules). Outside a vitest
 * run (no bundle named), each caller bundles its own.
 *
 * bin/ai-optout.mjs, which runs the sources through tsx in a checkout, keeps a test of its own
 * (test/bin/cli/main.test.ts).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { buildCli } from '../../scripts/build.ts';

/** The variable naming the folder of this run's bundle (set by global-setup.ts). */
export const CLI_BUNDLE_VARIABLE = 'AI_OPTOUT_TEST_CLI';

/** Bundles the CLI into a new folder under `<package>/.test-build/` and returns the folder. */
export async function bundleCliForTests(): Promise<string> {
  const parent = join(PACKAGE_ROOT, '.test-build');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'cli-'));
  await buildCli(dir);
  return dir;
}

let own: Promise<string> | undefined;

/** The bundled entry `name` (`run`: the `ai-optout` command; `pull-request-check`; `github-comment`). */
export async function cliBundle(name: 'run' | 'pull-request-check' | 'github-comment'): Promise<string> {
  const shared = process.env[CLI_BUNDLE_VARIABLE];
  if (!shared) own ??= bundleCliForTests();
  return join(shared ?? (await (own as Promise<string>)), `${name}.js`);
}
