/** The demo's plan: config/ai-optout.yaml against examples/lza-organization.snapshot.json (drift of every kind). */
import { readFileSync } from 'node:fs';
import { type Plan, plan } from '../../lambdas/domain/planner.ts';
import { parseSnapshot } from '../../lambdas/domain/snapshot.ts';
import { exampleDesiredState } from './example-desired-state.ts';

export function examplePlan(): Plan {
  const snapshotText = readFileSync(
    new URL('../../examples/lza-organization.snapshot.json', import.meta.url),
    'utf8',
  );
  return plan(exampleDesiredState(), parseSnapshot(snapshotText, 'example'));
}
