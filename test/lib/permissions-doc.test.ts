import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { organizationsStatements } from '../../lib/permissions.ts';

const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');

/** The JSON code blocks of docs/permissions.md, parsed. */
function jsonBlocks(): unknown[] {
  return [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string));
}

/** The statements as the doc shows them: the commercial partition, the management account as a placeholder. */
function rendered(mode: 'audit' | 'enforce'): unknown[] {
  const stack = new Stack();
  return organizationsStatements(mode, { partition: 'aws', managementAccount: 'MANAGEMENT_ACCOUNT_ID' }).map(
    (s) => stack.resolve(s.toStatementJson()),
  );
}

describe('docs/permissions.md', () => {
  it('shows exactly the statements the stack grants', () => {
    const [audit, enforceExtra] = jsonBlocks() as [{ Statement: unknown[] }, unknown[]];
    expect(audit.Statement).toEqual(rendered('audit'));
    expect([...audit.Statement, ...enforceExtra]).toEqual(rendered('enforce'));
  });
});
