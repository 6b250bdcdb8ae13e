// Mutation testing of lambdas/domain (`npm run mutation:domain`), report/ excepted (another scope):
// stryker.config.mjs with the domain's files and tests. `thresholds.break` is the score this scope
// reached, so a change that leaves a rule of the domain unpinned fails the run.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ['lambdas/domain/**/*.ts', '!lambdas/domain/report/**'],
  vitest: { configFile: 'vitest.mutation-domain.config.ts' },
  htmlReporter: { fileName: 'reports/mutation/domain/index.html' },
  jsonReporter: { fileName: 'reports/mutation/domain/mutation.json' },
  thresholds: { ...base.thresholds, break: null },
};
