/**
 * How the command-line code is bundled, in one place: the package build (scripts/build.ts, into dist/cli/)
 * and the pull-request check's tool staged from source (lib/pull-request-tool.ts) use the same entries
 * and esbuild options. Three entries: the `ai-optout` command, the pull-request check, and its GitHub
 * comment step; they share chunks, so the check runs the very CLI the command does.
 */
export const CLI_ENTRIES = {
  run: 'bin/cli/run.ts',
  'pull-request-check': 'bin/pull-request/check.ts',
  'github-comment': 'bin/pull-request/github-comment.ts',
} as const;

/** Where the bundle goes, relative to the package root. */
export const CLI_DIST = 'dist/cli';

/**
 * esbuild's options: ESM for Node 20.19+, split so that what a command loads lazily stays in chunks of
 * its own; the AWS SDK stays outside (a dependency), loaded only by what calls AWS.
 */
export const CLI_BUILD_OPTIONS = {
  bundle: true,
  splitting: true,
  platform: 'node' as const,
  target: 'node20.19',
  format: 'esm' as const,
  // Whitespace and syntax only: names stay readable in the stack traces --debug prints.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none' as const,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', '@smithy/*'],
  // Bundled CommonJS dependencies (commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning' as const,
};

/** The entries as esbuild takes them: output name -> absolute source path under `root`. */
export function cliEntryPoints(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(CLI_ENTRIES).map(([name, path]) => [name, `${root}/${path}`]));
}
