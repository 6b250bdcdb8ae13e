import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import { SnapshotError } from '../../../lambdas/domain/errors.ts';
import { plan } from '../../../lambdas/domain/planner.ts';
import { parseS3Url } from '../../../lambdas/domain/s3-url.ts';
import { publishedSnapshot, serializeSnapshot, validateSnapshot } from '../../../lambdas/domain/snapshot.ts';
import { parseDuration } from '../../../lambdas/domain/snapshot-age.ts';
import { entry, OrgBuilder } from '../../support/org-builder.ts';

describe('the published form of a snapshot', () => {
  const full = new OrgBuilder()
    .account('management')
    .account('prod-1', 'Workloads/Prod')
    .account('sandbox-1', 'Sandbox')
    .policy('ai-optout-baseline', { services: { default: entry('optOut') } }, ['root'], { managed: true })
    .policy('hand-made', { services: { lex: entry('optIn') } }, ['Sandbox'])
    .build();
  full.policies[1] = {
    ...(full.policies[1] as (typeof full.policies)[number]),
    tags: { owner: 'bob@example.com' },
  };

  it('drops every e-mail address and every tag but the ownership tag, and stays a valid snapshot', () => {
    const published = publishedSnapshot(full);
    expect(full.accounts.every((a) => a.email?.endsWith('@example.com'))).toBe(true);
    expect(serializeSnapshot(published)).not.toContain('@example.com');
    expect(published.accounts.map((a) => Object.keys(a).sort())).toEqual(
      Array(3).fill(['id', 'name', 'parentId', 'status']),
    );
    expect(published.policies.map((p) => p.tags)).toEqual([{ 'ai-optout:managed': 'true' }, {}]);
    expect(validateSnapshot(JSON.parse(serializeSnapshot(published)), 'published')).toEqual(published);
  });

  it('plans exactly as the full snapshot does', () => {
    const loaded = loadDesiredState(
      'version: 1\nunmanaged: detach\npolicies:\n  - name: ai-optout-baseline\n    default: optOut\n    targets: [root]\nexpect:\n  optOut: all\n',
      { file: 'ai-optout.yaml' },
    );
    if (!loaded.ok) throw new Error('does not load');
    const fromFull = plan(loaded.state, full);
    expect(fromFull.changes.map((c) => c.action)).toEqual(['update-policy', 'detach-policy']);
    expect(plan(loaded.state, publishedSnapshot(full))).toEqual(fromFull);
  });
});

describe('s3:// URLs and durations', () => {
  it('splits on the first slash, keeps the rest of the key as it is', () => {
    expect(parseS3Url('s3://bucket/ai-optout/snapshots/latest.json')).toEqual({
      bucket: 'bucket',
      key: 'ai-optout/snapshots/latest.json',
    });
    expect(parseS3Url('s3://b/a%20b//c')).toEqual({ bucket: 'b', key: 'a%20b//c' });
    for (const bad of ['s3://', 's3://bucket', 's3://bucket/', 's3:///key', 'https://bucket/key']) {
      expect(() => parseS3Url(bad)).toThrow(SnapshotError);
      expect(() => parseS3Url(bad)).toThrow(`${bad} is not an S3 object URL`);
    }
  });

  it('reads 7d, 36h and 90m; refuses anything else', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('36h')).toBe(36 * 3_600_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    for (const bad of ['7', '0d', '1.5d', '-1d', '7 d', 'd', '1w'])
      expect(parseDuration(bad)).toBeUndefined();
  });
});
