// Mutation testing of the pipeline job (`npm run mutation:job`): every file of lambdas/pipeline-job against
// the job's specification tests (vitest.mutation-job.config.ts). The function's environment and logger are
// runtime code shared with the other entry points (lambdas/runtime/), outside this scope. `thresholds.break` is the score
// this scope reached, so a change that leaves a rule of the job untested fails the run.
import base, { scopeOutputs } from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-job.config.ts' },
  mutate: ['lambdas/pipeline-job/**/*.ts'],
  ...scopeOutputs('job'),
  thresholds: { ...base.thresholds, break: 93 },
};
