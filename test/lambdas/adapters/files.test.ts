/**
 * Writing reports and snapshots (lambdas/adapters/files.ts): through a temporary file in the same
 * folder renamed into place, so a write that fails leaves what was there, and no temporary file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigBytes, sameFile, writeTextFile } from '../../../lambdas/adapters/files.ts';
import { DESIRED_STATE_LIMITS } from '../../../lambdas/domain/desired-state/limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'ai-optout-files-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeTextFile', () => {
  it('a rename that fails leaves the old entry as it was and removes its temporary file', async () => {
    // Prepare: the path is a folder with a file in it, which no rename can replace
    const target = join(dir, 'report.md');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'kept\n');

    // Act
    const attempt = writeTextFile(target, 'new report\n');

    // Assess
    await expect(attempt).rejects.toThrow();
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('kept\n');
    expect(readdirSync(dir)).toEqual(['report.md']);
  });

  it('creates missing folders', async () => {
    // Act
    await writeTextFile(join(dir, 'a', 'b', 'report.json'), '{}\n');

    // Assess
    expect(readFileSync(join(dir, 'a', 'b', 'report.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['report.json']);
  });
});

describe('sameFile and readConfigBytes', () => {
  it('sameFile is false for a path that does not exist yet', async () => {
    // Prepare
    const existing = join(dir, 'x.yaml');
    writeFileSync(existing, 'x\n');

    // Act / Assess
    expect(await sameFile(existing, join(dir, 'new.yaml'))).toBe(false);
    expect(await sameFile(existing, existing)).toBe(true);
  });

  it('reads at most one byte more than the limit, however large the file', async () => {
    // Prepare
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(3 * DESIRED_STATE_LIMITS.bytes, 0x61));

    // Act
    const bytes = await readConfigBytes(big);

    // Assess
    expect(bytes.length).toBe(DESIRED_STATE_LIMITS.bytes + 1);
  });
});
