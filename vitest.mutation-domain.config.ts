/**
 * The tests Stryker runs against each mutant of lambdas/domain (stryker.domain.config.mjs): the domain's
 * own tests, which are fast and need no emulator, but the HTML report's, which drives a browser for
 * seconds and tests the report (another scope) rather than the rules. The project's configuration with
 * `include` replaced, not merged: mergeConfig would add these files to `test/**` and run every test.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/lambdas/domain/**/*.test.ts'],
    exclude: ['test/lambdas/domain/report/html.test.ts'],
  },
});
