import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { organizationsStatements } from '../../lib/permissions.ts';

const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');

/** The JSON code blocks of docs/permissions.md, parsed. */
function jsonBlocks(): unknown[] {
  return [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string));
}

type Statement = { Sid: string };

/** The statements as the doc shows them: the commercial partition, the management account as a placeholder. */
function rendered(mode: 'audit' | 'enforce', bedrockPolicies = false): Statement[] {
  const stack = new Stack();
  const scope = { partition: 'aws', managementAccount: 'MANAGEMENT_ACCOUNT_ID' };
  return organizationsStatements(mode, { scope, bedrockPolicies }).map(
    (s) => stack.resolve(s.toStatementJson()) as Statement,
  );
}

/** Statements in Sid order: the doc groups them by what a deployment adds, the stack by policy type. */
const bySid = (statements: Statement[]) => [...statements].sort((a, b) => a.Sid.localeCompare(b.Sid));

describe('docs/permissions.md', () => {
  const [audit, enforceExtra, bedrockExtra, bedrockEnforceExtra] = jsonBlocks() as [
    { Statement: Statement[] },
    Statement[],
    Statement[],
    Statement[],
  ];

  it('shows exactly the statements the stack grants', () => {
    expect(audit.Statement).toEqual(rendered('audit'));
    expect([...audit.Statement, ...enforceExtra]).toEqual(rendered('enforce'));
  });

  it('and exactly those it adds for Amazon Bedrock policies (bedrockPolicies)', () => {
    expect(bySid([...audit.Statement, ...bedrockExtra])).toEqual(bySid(rendered('audit', true)));
    expect(bySid([...audit.Statement, ...enforceExtra, ...bedrockExtra, ...bedrockEnforceExtra])).toEqual(
      bySid(rendered('enforce', true)),
    );
  });
});
