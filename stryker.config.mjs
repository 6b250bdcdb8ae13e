// Mutation testing (`npm run mutation`, not part of `npm test`): Stryker changes the code one small way
// at a time (a condition negated, a boundary moved, a string emptied) and runs the tests that cover the
// change; a mutant the tests do not notice names a rule no test pins. Scope and thresholds per part of
// the code are set by the scripts in package.json (`--mutate`, `--thresholds.break`).
/**
 * Where a scoped run (stryker.<scope>.config.mjs) writes: its reports under reports/mutation/<scope>/, and
 * its incremental file there, so that a rerun on the same machine tests again only the mutants whose code
 * or covering tests changed since the last run.
 */
export function scopeOutputs(scope) {
  const folder = `reports/mutation/${scope}`;
  return {
    htmlReporter: { fileName: `${folder}/index.html` },
    jsonReporter: { fileName: `${folder}/mutation.json` },
    incremental: true,
    incrementalFile: `${folder}/stryker-incremental.json`,
  };
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['lambdas/pipeline-job/**/*.ts', 'lambdas/domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
