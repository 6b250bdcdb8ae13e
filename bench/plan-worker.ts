/**
 * One measurement in a fresh process (so peak memory is this run's own): `plan` reads a snapshot and a
 * desired state, plans and renders the JSON report; `effective` times the shared effective-policy
 * computation against a per-account chain walk on the same organization.
 */
import { readFileSync } from 'node:fs';
import { loadDesiredState } from '../lambdas/domain/desired-state/loader.ts';
import { OrgTree } from '../lambdas/domain/organization.ts';
import { plan } from '../lambdas/domain/planner.ts';
import { parsePolicyDocument } from '../lambdas/domain/policy-types/ai-optout/document.ts';
import { EMPTY_STATE, mergeNode, resolve } from '../lambdas/domain/policy-types/ai-optout/engine.ts';
import { aiOptOut } from '../lambdas/domain/policy-types/ai-optout/index.ts';
import { attachmentsOf, EffectivePolicies } from '../lambdas/domain/policy-types/effective-policies.ts';
import { renderJson } from '../lambdas/domain/report/json.ts';
import { parseSnapshot } from '../lambdas/domain/snapshot.ts';

const [mode, snapshotPath, desiredPath] = process.argv.slice(2) as [string, string, string];
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

if (mode === 'plan') {
  const start = performance.now();
  const snapshot = parseSnapshot(readFileSync(snapshotPath, 'utf8'), snapshotPath);
  const loaded = loadDesiredState(readFileSync(desiredPath, 'utf8'), { file: desiredPath });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  const parsed = performance.now();
  const result = plan(loaded.state, snapshot);
  const planned = performance.now();
  const report = renderJson(result, new Date());
  const reported = performance.now();
  process.stdout.write(
    JSON.stringify({
      readMs: parsed - start,
      planMs: planned - parsed,
      reportMs: reported - planned,
      totalMs: reported - start,
      peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
      reportMiB: mib(Buffer.byteLength(report)),
      changes: result.changes.length,
      effectiveChanges: result.effectiveChanges.length,
      violations: result.violations.length,
      verdict: result.verdict,
    }),
  );
} else if (mode === 'effective') {
  const snapshot = parseSnapshot(readFileSync(snapshotPath, 'utf8'), snapshotPath);
  const tree = new OrgTree(snapshot);
  const attachments = attachmentsOf(
    snapshot.policies.map((p) => ({ ...p, document: parsePolicyDocument(p.content) })),
  );
  const services = ['default', 'lex', 'comprehend', 'polly'];
  let checksum = 0;
  const sharedStart = performance.now();
  const shared = new EffectivePolicies(aiOptOut.engine, tree, attachments);
  for (const account of tree.accounts)
    for (const s of services) checksum += resolve(shared.stateOf(account.id), s).length;
  const sharedMs = performance.now() - sharedStart;
  let naiveChecksum = 0;
  const naiveStart = performance.now();
  for (const account of tree.accounts) {
    let state = EMPTY_STATE;
    for (const node of tree.chain(account))
      state = mergeNode(state, node.id, attachments.get(node.id) ?? []).state;
    for (const s of services) naiveChecksum += resolve(state, s).length;
  }
  const naiveMs = performance.now() - naiveStart;
  if (checksum !== naiveChecksum)
    throw new Error(`shared and per-account results differ: ${checksum} vs ${naiveChecksum}`);
  process.stdout.write(JSON.stringify({ sharedMs, naiveMs }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
