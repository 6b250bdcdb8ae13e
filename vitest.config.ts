import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // moto_server, cfn-lint and Chromium found or provisioned once (scripts/test-tools.mjs), and a folder
    // for work the test files share (the packed tarball).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share their worker's loaded modules instead of importing aws-cdk-lib, the SDK and the
    // sources afresh for every file: module loading took 87 s of a 285 s run, 22 s of 212 s without it.
    // Test files therefore keep no state in modules they share (the one that mocks a module imports what
    // it tests afresh: test/lambdas/adapters/s3/zip-entry.test.ts).
    isolate: false,
    // Three files at a time on a two-core machine: most files wait on moto, cfn-lint, npm or esbuild
    // processes rather than use their own core. Measured on two idle cores (2,861 tests): two workers used
    // 1.6 cores, vitest 272 s; three, 221 s, every test passing, the longest default-timeout test 17 s.
    maxWorkers: 3,
    // The SDK warns on Node 20 that its 2027 releases need Node 22; the project supports Node 20.19+.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // @actions/workflow-parser imports its JSON schemas without an import attribute, which Node's ESM
    // loader refuses: vitest transforms it instead (test/scripts/github-action.test.ts).
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
