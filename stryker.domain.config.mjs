// Mutation testing of lambdas/domain (`npm run mutation:domain`), report/ excepted (another scope):
// stryker.config.mjs with the domain's files and tests. `thresholds.break` is the score this scope
// reached, so a change that leaves a rule of the domain unpinned fails the run. Static mutants (values
// computed once when a module loads: schemas, tables, constants; 520 of the last full run's 5,679) are
// ignored: each needs every test re-run in a fresh process, 96% of the run's time by Stryker's estimate
// when it was measured (four hours on two cores), and the tests that read those values (the generated
// JSON Schema, the partition table against the SDK's, the service keys) compare them whole.
import base, { scopeOutputs } from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ['lambdas/domain/**/*.ts', '!lambdas/domain/report/**'],
  vitest: { configFile: 'vitest.mutation-domain.config.ts' },
  ...scopeOutputs('domain'),
  ignoreStatic: true,
  // The domain's tests take milliseconds: a mutant that loops (json-keys.ts, source-text.ts) should cost
  // seconds, not the base's minute meant for the job's moto runs.
  timeoutMS: 10_000,
  thresholds: { ...base.thresholds, break: 95 },
};
