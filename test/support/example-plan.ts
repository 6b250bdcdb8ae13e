/**
 * config/ai-optout.yaml against examples/lza-organization.snapshot.json (AI opt-out drift of every kind):
 * the demo's plan without its Bedrock section, whose policies the snapshot holds and this plan leaves out.
 */
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
