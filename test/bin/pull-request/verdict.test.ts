/**
 * The pull-request check's verdict from the plan's exit code and report, and its comment: only a pass is
 * ever `pass`; no base is at best `review`; errors go in a code block no line of them can close; the
 * report folder is never the checkout.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshReportFolder } from '../../../bin/pull-request/checkout.ts';
import { commentBody, NO_BASE_REASON, outcomeOf } from '../../../bin/pull-request/verdict.ts';
import type { Report } from '../../../lambdas/domain/report/schema.ts';

const report = (violations: number, pullRequest?: Partial<NonNullable<Report['pullRequest']>>) =>
  ({
    violations: Array.from({ length: violations }, () => ({})),
    ...(pullRequest ? { pullRequest: { violations: [], humanReview: [], ...pullRequest } } : {}),
  }) as unknown as Report;

describe('the check’s verdict', () => {
  it('follows the pull request part when there is a base', () => {
    expect(outcomeOf(2, report(5, { verdict: 'pass' }))).toMatchObject({
      verdict: 'pass',
      violationsAdded: 0,
    });
    expect(outcomeOf(0, report(0, { verdict: 'review', humanReview: ['changes expect'] }))).toMatchObject({
      verdict: 'review',
      reasons: ['changes expect'],
    });
  });

  it('fails what cannot be planned, whatever a report left behind says', () => {
    expect(outcomeOf(1, report(0, { verdict: 'pass' }))).toMatchObject({
      verdict: 'fail',
      violationsAdded: -1,
    });
    expect(outcomeOf(0, undefined)).toMatchObject({ verdict: 'fail' });
  });

  it('without a base: every violation fails it, and none is at best review', () => {
    expect(outcomeOf(2, report(3))).toMatchObject({ verdict: 'fail', violationsAdded: 3 });
    expect(outcomeOf(0, report(0))).toEqual({
      verdict: 'review',
      planExitCode: 0,
      violationsAdded: 0,
      reasons: [NO_BASE_REASON],
    });
  });

  it('puts errors in a fence longer than any backtick run in them', () => {
    const body = commentBody(outcomeOf(1, undefined), undefined, 'error: name ```\n## ✅ forged\n```', true);
    expect(body).toBe(
      '## ❌ AI services opt-out: the desired state cannot be planned\n\n````\nerror: name ```\n## ✅ forged\n```\n````\n',
    );
  });
});

describe('the report folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'ai-optout-report-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is emptied when it is a folder of its own, and refused when it is the checkout or above it', () => {
    const checkout = join(root, 'checkout');
    mkdirSync(join(checkout, 'reports'), { recursive: true });
    writeFileSync(join(checkout, 'keep.yaml'), 'x');
    writeFileSync(join(checkout, 'reports/old.json'), '{}');

    expect(freshReportFolder('reports', checkout)).toBe(join(checkout, 'reports'));
    for (const dir of ['.', '..', '/', checkout])
      expect(() => freshReportFolder(dir, checkout), dir).toThrow(/is the checkout or a folder above it/);
    expect(() => freshReportFolder('reports/../reports/..', checkout)).toThrow(/is the checkout/);
    expect(readdirSync(checkout).sort()).toEqual(['keep.yaml', 'reports']);
    expect(readdirSync(join(checkout, 'reports'))).toEqual([]);
  });
});
