/**
 * The bundled example and the plan of it committed in docs/example-plan.md: the example shows both policy
 * types, its AI opt-out part is the deployed config's, and the committed plan is what the CLI prints now.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../lambdas/adapters/package-root.ts';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { runCli } from '../support/cli-in-process.ts';
import { DEMO_FILE, DEMO_YAML, EXAMPLE_YAML } from '../support/example-desired-state.ts';

const read = (path: string) => readFileSync(`${PACKAGE_ROOT}/${path}`, 'utf8');

/** The line after which docs/example-plan.md holds the command's output, unedited. */
const MARKER = '<!-- the plan -->\n';

describe('the bundled example', () => {
  it('is config/ai-optout.yaml followed by a bedrock: section and nothing else (one copy of the AI opt-out part)', () => {
    expect(DEMO_YAML.startsWith(EXAMPLE_YAML)).toBe(true);
    const added = DEMO_YAML.slice(EXAMPLE_YAML.length);
    const topLevelKeys = added.split('\n').filter((line) => /^[^\s#]/.test(line));
    expect(topLevelKeys).toEqual(['bedrock:']);
    const loaded = loadDesiredState(DEMO_YAML, { file: DEMO_FILE });
    expect(loaded.ok && loaded.state.bedrock?.policies.map((p) => p.name)).toEqual([
      'bedrock-guardrails-production',
      'bedrock-guardrails-sandbox',
    ]);
  });
});

describe('docs/example-plan.md', () => {
  it('is what `ai-optout demo --format markdown` prints now, below its introduction', async () => {
    const doc = read('docs/example-plan.md');
    const at = doc.indexOf(MARKER);
    expect(at, 'the marker line that ends the introduction').toBeGreaterThan(0);

    const run = await runCli(['demo', '--format', 'markdown'], { now: new Date('2030-01-01T00:00:00Z') });

    expect(run.code).toBe(0);
    expect(doc.slice(at + MARKER.length)).toBe(run.stdout);
    // Both types are in it, and the pre-flight is said not to have run.
    expect(run.stdout).toContain('## ❌ AI services opt-out and Amazon Bedrock policies: drift');
    expect(run.stdout).toContain('| `~` | update-policy | BEDROCK\\_POLICY bedrock-guardrails-sandbox |');
    expect(run.stdout).toMatch(/### Guardrail pre-flight [^\n]*\n\nnot run: /);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('(docs/example-plan.md)');
  });
});
