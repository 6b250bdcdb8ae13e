/**
 * The tests Stryker runs against each mutant (stryker.config.mjs): the project's vitest configuration,
 * narrowed to the tests of the code it mutates, so that a mutant costs the tests that can kill it and not
 * the package, CDK and install tests.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/lambdas/domain/**/*.test.ts', 'test/lambdas/pipeline-job/**/*.test.ts'],
    },
  }),
);
