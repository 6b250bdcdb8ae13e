/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): the project's vitest configuration,
 * narrowed to the tests of the code it mutates, so that a mutant costs the tests that can kill it and not
 * the package, CDK and install tests.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// Not mergeConfig: it would add these files to the base's `include` (it concatenates lists). Each file
// loads the sources afresh (`isolate`): a mutant in code that runs as a module loads takes effect only then.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/lambdas/domain/**/*.test.ts', 'test/lambdas/pipeline-job/**/*.test.ts'],
    isolate: true,
  },
});
