/**
 * Two small text rules: `s3://bucket/key` split as the AWS CLI splits it (lambdas/domain/s3-url.ts), and
 * a value quoted back in a message, cut and escaped (lambdas/domain/echo.ts).
 */
import { describe, expect, it } from 'vitest';
import { echo } from '../../../lambdas/domain/echo.ts';
import { formatS3Url, isS3Url, parseS3Url } from '../../../lambdas/domain/s3-url.ts';

describe('S3 URLs', () => {
  it('the bucket is what comes before the first slash, the key all after it', () => {
    expect(parseS3Url('s3://b/k')).toEqual({ bucket: 'b', key: 'k' });
    expect(parseS3Url('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', key: 'a/b/' });
    expect(formatS3Url({ bucket: 'bucket', key: 'a/b.json' })).toBe('s3://bucket/a/b.json');
    for (const bad of ['s3:///k', 's3://b/', 'b/k', 'S3://b/k'])
      expect(() => parseS3Url(bad), bad).toThrow(
        `${bad} is not an S3 object URL: write s3://<bucket>/<key>, e.g. s3://my-bucket/ai-optout/snapshots/latest.json`,
      );
  });

  it('is an S3 URL only with the s3:// scheme at the start', () => {
    expect(isS3Url('s3://b/k')).toBe(true);
    expect(isS3Url('org.json')).toBe(false);
    expect(isS3Url('file-s3://')).toBe(false);
  });
});

describe('echo', () => {
  it('escapes control characters, C1 controls included, and nothing else', () => {
    expect(echo('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(echo('\u001b[31m\u007f\u009f')).toBe('\\u001b[31m\\u007f\\u009f');
    expect(echo(' ~\u00a0é😀')).toBe(' ~\u00a0é😀');
  });

  it('keeps a value of the limit whole; cuts a longer one and says its length', () => {
    expect(echo('x'.repeat(200))).toBe('x'.repeat(200));
    expect(echo('x'.repeat(201))).toBe(`${'x'.repeat(200)}… (201 characters)`);
    expect(echo('abcdef', 3)).toBe('abc… (6 characters)');
    expect(echo('x'.repeat(12_345), 2)).toBe('xx… (12,345 characters)');
  });

  it('never cuts a surrogate pair in two', () => {
    expect(echo('ab😀cd', 3)).toBe('ab… (6 characters)');
    expect(echo('a😀cd', 3)).toBe('a😀… (5 characters)');
  });
});
