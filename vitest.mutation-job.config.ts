/**
 * The tests Stryker runs against each mutant of the pipeline job (stryker.job.config.mjs): the job's
 * specification, its rules as tables and its steps one by one, which run in seconds. The end-to-end
 * files of the same folder (job-*.test.ts, forged-jobs, bounded, published-snapshot) check the same rules
 * through whole jobs and stay out: a mutant that survived them would cost a minute of moto runs.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

const SPECIFICATION = [
  'admission',
  'claim',
  'continuation',
  'deadline',
  'event',
  'handler',
  'input',
  'job',
  'outputs',
  'parameters',
  'result',
  'send-result',
];

// Not mergeConfig: it would add these files to the base's `include` (it concatenates lists).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: SPECIFICATION.map((name) => `test/lambdas/pipeline-job/${name}.test.ts`),
    // Each file loads the sources afresh: a mutant in code that runs as a module loads (the tables of
    // rules, outputs and claims) takes effect only when the module loads again.
    isolate: true,
  },
});
