/**
 * How the CLI is put together: starting it loads no AWS SDK, no YAML parser and no zod. Each command's
 * module (commands/) declares its flags; what it does (actions/) is imported only when it runs, so
 * `--help` and `--version` load neither. Only the commands that call AWS (plan without --snapshot,
 * apply, snapshot) import the live code (bin/cli/live.ts and the reconciler), and only when their
 * action runs, so `validate`, `demo` and `plan --snapshot` never load the SDK.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packagesLoadedBy } from '../../support/imports.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const isAwsSdk = (name: string) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');

describe('the CLI structure', () => {
  it('loading bin/cli/main.ts (every command module) loads no AWS SDK package', () => {
    const packages = packagesLoadedBy(ROOT, 'bin/cli/main.ts');

    expect(packages).toContain('@commander-js/extra-typings');
    expect([...packages].filter(isAwsSdk)).toEqual([]);
    expect(packages).not.toContain('yaml');
    expect(packages).not.toContain('zod');
  });

  it('the actions load the YAML parser and zod (so the check above can fail)', () => {
    const packages = packagesLoadedBy(ROOT, 'bin/cli/actions/validate.ts');

    expect(packages).toContain('yaml');
    expect(packages).toContain('zod');
    expect([...packages].filter(isAwsSdk)).toEqual([]);
  });

  it('the live code it loads later does load the SDK (so the check above can fail)', () => {
    const packages = packagesLoadedBy(ROOT, 'bin/cli/live.ts');

    expect(packages).toContain('@aws-sdk/client-organizations');
  });
});
