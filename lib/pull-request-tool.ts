/**
 * The pull-request check's tool for CodeBuild: ai-optout's package as `npm pack` makes it, in the file
 * `ai-optout.tgz` of the project's secondary source `tool`. The buildspec installs that tarball with its
 * runtime dependencies only, in a folder of its own, and runs its compiled check: nothing of the
 * repository under review decides what code runs. The same tarball is what a user installs, so the
 * check runs as it ships.
 *
 * Compiled (from the installed package, as a consumer's synth runs) the package is packed as it was
 * installed. As TypeScript in this repository, a package is staged first with the command line bundled
 * from source (lib/cli-bundle.ts), so that a synth here never ships a stale build; esbuild, a
 * development dependency, is loaded only then.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lambdas/adapters/package-root.ts';
import { CLI_BUILD_OPTIONS, CLI_DIST, cliEntryPoints } from './cli-bundle.ts';
import { COMPILED } from './compiled.ts';

/** The tarball's name in the `tool` source, as the buildspec installs it. */
export const TOOL_TARBALL = 'ai-optout.tgz';

/** What the staged package holds besides the bundle: its manifest, the command and the licence. */
const STAGED_FILES = ['package.json', 'LICENSE', 'README.md', 'bin/ai-optout.mjs'];

/** A package of this repository's sources: the manifest and files the tarball needs, and the CLI bundled now. */
function stageFromSource(): string {
  const stage = mkdtempSync(join(tmpdir(), 'ai-optout-tool-'));
  for (const file of STAGED_FILES) {
    if (!existsSync(join(PACKAGE_ROOT, file))) continue;
    mkdirSync(join(stage, file, '..'), { recursive: true });
    copyFileSync(join(PACKAGE_ROOT, file), join(stage, file));
  }
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    ...CLI_BUILD_OPTIONS,
    entryPoints: cliEntryPoints(PACKAGE_ROOT),
    outdir: join(stage, CLI_DIST),
  });
  return stage;
}

/**
 * Writes `outputDir/ai-optout.tgz`. `npm pack --ignore-scripts` reads only the package's own manifest and
 * runs none of its scripts (the sources were bundled above, when staged).
 */
export function packTool(outputDir: string): void {
  const packageDir = COMPILED ? PACKAGE_ROOT : stageFromSource();
  try {
    const printed = execFileSync(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--loglevel=error', '--pack-destination', outputDir],
      { cwd: packageDir, encoding: 'utf8', shell: process.platform === 'win32' },
    );
    const [packed] = JSON.parse(printed) as { filename: string }[];
    if (!packed) throw new Error(`npm pack in ${packageDir} printed no tarball`);
    renameSync(join(outputDir, packed.filename), join(outputDir, TOOL_TARBALL));
  } finally {
    if (!COMPILED) rmSync(packageDir, { recursive: true, force: true });
  }
}
