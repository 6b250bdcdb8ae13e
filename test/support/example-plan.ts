/** The demo's plan: config/ai-optout.yaml against examples/lza-organization.snapshot.json (drift of every kind). */
import { readFileSync } from 'node:fs';
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import { type Plan, plan } from '../../lambdas/domain/planner.ts';
import { parseSnapshot } from '../../lambdas/domain/snapshot.ts';

export function examplePlan(): Plan {
  const text = readFileSync(new URL('../../config/ai-optout.yaml', import.meta.url), 'utf8');
  const loaded = loadDesiredState(text, { file: 'config/ai-optout.yaml' });
  if (!loaded.ok) throw new Error('example config invalid');
  const snapshotText = readFileSync(
    new URL('../../examples/lza-organization.snapshot.json', import.meta.url),
    'utf8',
  );
  return plan(loaded.state, parseSnapshot(snapshotText, 'example'));
}
