/**
 * The package's own folder (the one holding its package.json) and its version. Found by walking up
 * from this module, so the same code finds the package's files whether it runs as TypeScript in the
 * repository (lambdas/adapters/) or compiled in the installed package (dist/lambdas/adapters/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The `version` of the package's package.json (what `ai-optout --version` prints). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') throw new Error(`${PACKAGE_ROOT}/package.json has no version`);
  return manifest.version;
}
