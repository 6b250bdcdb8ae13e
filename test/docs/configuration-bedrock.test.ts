/**
 * docs/configuration.md's worked examples for Bedrock policies hold: the entry written for AWS's syntax-page
 * example renders that document, and the lock table is what the effective-policy walk computes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { OrgTree } from '../../lambdas/domain/organization.ts';
import { bedrock } from '../../lambdas/domain/policy-types/bedrock/index.ts';
import { type Lock, renderBedrockDocument } from '../../lambdas/domain/policy-types/bedrock/render.ts';
import { attachmentsOf, EffectivePolicies } from '../../lambdas/domain/policy-types/effective-policies.ts';
import { SYNTAX_PAGE_EXAMPLE } from '../lambdas/domain/policy-types/bedrock/examples.ts';
import { OrgBuilder } from '../support/org-builder.ts';

const DOC = readFileSync(`${PACKAGE_ROOT}/docs/configuration.md`, 'utf8');

/** The docs' ```yaml block that holds `text`. */
function yamlBlockWith(text: string): string {
  const block = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].find((m) => m[1]?.includes(text));
  if (!block?.[1]) throw new Error(`docs/configuration.md has no yaml block with ${text}`);
  return block[1];
}

describe("worked example 4: AWS's example, declared here", () => {
  it("renders AWS's syntax-page document", () => {
    const section = yamlBlockWith('guardrail/hu1dlsv9wy1d');
    const file = `version: 1\npolicies:\n  - name: ai-optout-baseline\n    default: optOut\n    targets: [root]\n${section}`;

    const loaded = loadDesiredState(file, { file: 'docs/configuration.md' });

    expect(loaded.ok, loaded.diagnostics.map((d) => d.message).join('; ')).toBe(true);
    const [policy, ...others] = (loaded.ok && loaded.state.bedrock?.policies) || [];
    expect(others).toEqual([]);
    expect(JSON.parse(renderBedrockDocument(policy as NonNullable<typeof policy>))).toEqual(
      JSON.parse(SYNTAX_PAGE_EXAMPLE),
    );
  });
});

describe('worked example 5: what each lock leaves to a policy below', () => {
  const ORG = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/orgguard';
  const TEAM = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/teamguard';
  const TEAM_WEST = 'arn:aws:bedrock:eu-west-1:111122223333:guardrail/teamwest';

  /** The table's row for a Sandbox account when the root policy has `lock`. */
  function row(lock: Lock): string {
    const builder = new OrgBuilder().account('alice', 'Sandbox', '561829304715');
    builder.policy(
      'org',
      renderBedrockDocument({ lock, regions: { 'us-east-1': { guardrail: ORG, version: 3 } } }),
      ['root'],
    );
    const team = renderBedrockDocument({
      lock: 'none',
      regions: {
        'us-east-1': { guardrail: TEAM, version: 1, system: 'selective' },
        'eu-west-1': { guardrail: TEAM_WEST, version: 1 },
      },
    });
    builder.policy('team', team, ['Sandbox']);
    const snapshot = builder.build();
    const parsed = snapshot.policies.map((p) => ({ ...p, document: bedrock.documents.parse(p.content) }));
    const walk = new EffectivePolicies(bedrock.engine, new OrgTree(snapshot), attachmentsOf(parsed));
    const settings = new Map(bedrock.aws.settings(walk.stateOf('561829304715')));
    const guardrail = (key: string) => {
      const value = settings.get(key);
      return typeof value === 'string' ? `\`${value.slice(value.lastIndexOf('/') + 1)}\`` : 'none';
    };
    const system = settings.get('us-east-1.config_1.selective_content_guarding.system');
    return `| \`${lock}\` | ${guardrail('us-east-1.config_1.identifier')} | ${system ? `\`${system}\`` : 'not set (comprehensive)'} | ${guardrail('eu-west-1.config_1.identifier')} |`;
  }

  it.each(['all', 'declared', 'none'] as const)('the row of lock %s is what the walk computes', (lock) => {
    expect(DOC).toContain(`\n${row(lock)}\n`);
  });
});
