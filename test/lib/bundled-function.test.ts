/**
 * The runtime rule (bundled-function.ts, nodeRuntime): the newest Node.js runtime the installed
 * aws-cdk-lib lists, never older than the bundle's target, so that cdk-nag's AwsSolutions-L1 (which
 * asks for the newest of the same list) passes on any aws-cdk-lib in the peer range. A newer
 * aws-cdk-lib is stood in for by a list with a runtime this repository's does not know.
 */
import { aws_lambda as lambda } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../lib/bundled-function.ts';
import { BUNDLE_NODE_MAJOR, LAMBDA_BUILD_OPTIONS } from '../../lib/lambda-bundles.ts';

/**
 * A stand-in for a runtime of another aws-cdk-lib: only its name is read. Not `new lambda.Runtime`,
 * which would add it to this aws-cdk-lib's own `Runtime.ALL` for every later synthesis in the worker.
 */
const runtime = (name: string) => ({ name }) as lambda.Runtime;

describe('nodeRuntime', () => {
  it("is the newest Node.js runtime of the installed aws-cdk-lib's list (nodejs24.x in this repository's)", () => {
    const names = lambda.Runtime.ALL.map((r) => r.name).filter((n) => /^nodejs\d+\.x$/.test(n));
    const newest = names.reduce((a, b) =>
      Number.parseInt(b.slice(6), 10) > Number.parseInt(a.slice(6), 10) ? b : a,
    );

    expect(nodeRuntime().name).toBe(newest);
    expect(Number.parseInt(newest.slice(6), 10)).toBeGreaterThanOrEqual(BUNDLE_NODE_MAJOR);
  });

  it('takes a runtime a newer aws-cdk-lib adds (nodejs26.x), whatever its place in the list', () => {
    const all = [runtime('nodejs22.x'), runtime('nodejs26.x'), runtime('nodejs24.x'), runtime('python3.14')];

    expect(nodeRuntime(all).name).toBe('nodejs26.x');
  });

  it("is never older than the bundle's target, compares majors as numbers, and ignores the bare `nodejs`", () => {
    expect(nodeRuntime([runtime('nodejs'), runtime('nodejs20.x'), runtime('nodejs22.x')]).name).toBe(
      `nodejs${BUNDLE_NODE_MAJOR}.x`,
    );
    expect(nodeRuntime([runtime('nodejs100.x'), runtime('nodejs99.x')]).name).toBe('nodejs100.x');
  });

  it("the bundle's esbuild target is that same oldest major", () => {
    expect(LAMBDA_BUILD_OPTIONS.target).toBe(`node${BUNDLE_NODE_MAJOR}`);
  });
});
