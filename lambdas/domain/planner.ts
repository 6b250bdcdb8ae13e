/**
 * The planner (contract section 3): desired state + organization snapshot -> changes, the effective
 * changes they would cause per account, the accounts that break `expect` today, warnings, verdict.
 *
 * Problems the user must fix in the desired state (unknown targets, name conflicts, the 5-per-target
 * limit, declared policies that would themselves break `expect`) throw a ConfigurationError.
 */

import { compareServiceKeys, pushTo } from './collections.ts';
import type { Mode, Verdict } from './contract.ts';
import type { DesiredPolicy, DesiredState, Expectation, LocatedTarget } from './desired-state/types.ts';
import type { Diagnostic, SourceLocation } from './diagnostics.ts';
import {
  type AttachedPolicy,
  attachmentsOf,
  EffectivePolicies,
  type EffectiveState,
  resolve,
  resolvedSource,
  servicesOf,
  type ValueConflict,
} from './effective-policy.ts';
import { ConfigurationError } from './errors.ts';
import {
  aiPolicyTypeStatus,
  isManagedPolicy,
  MAX_POLICIES_PER_TARGET,
  type OrgSnapshot,
  type ResolvedSetting,
  type SnapshotPolicy,
  type TargetType,
} from './model.ts';
import { type OrgNode, OrgTree } from './organization.ts';
import { type ParsedPolicyDocument, parsePolicyDocument, sameDocument } from './policy-document.ts';

/** The order apply carries changes out in: new protection is in place before old is removed. */
export const ACTION_ORDER = [
  'enable-policy-type',
  'create-policy',
  'adopt-policy',
  'update-policy',
  'attach-policy',
  'detach-policy',
  'delete-policy',
  'unmanaged-policy',
] as const;

export type ChangeAction = (typeof ACTION_ORDER)[number];

export interface ChangeTarget {
  type: TargetType;
  id: string;
  name: string;
  path: string;
}

export interface Change {
  action: ChangeAction;
  /** Policy name (absent for enable-policy-type). */
  policy?: string;
  /** Absent when the policy does not exist yet. */
  policyId?: string;
  target?: ChangeTarget;
  detail: string;
  /** Rendered document, for create/adopt/update. */
  content?: string;
  /** Policy description, for create/adopt/update. */
  description?: string;
}

export interface EffectiveChange {
  accountId: string;
  accountName: string;
  path: string;
  service: string;
  from: ResolvedSetting;
  to: ResolvedSetting;
}

export interface Violation {
  accountId: string;
  accountName: string;
  path: string;
  service: string;
  expected: 'optOut';
  actual: ResolvedSetting;
  /** `policyId@nodeId` of the policy that decides the value, or `none` when nothing sets it. */
  cause: string;
  /** The same in words: `sandbox-optin on Root/Sandbox`. */
  causeDetail: string;
}

export interface PlanWarning {
  code: string;
  message: string;
  policyId?: string;
  nodeId?: string;
}

/** Per root/OU figures for the report's tree view. */
export interface NodeSummary {
  id: string;
  name: string;
  path: string;
  parentId: string | undefined;
  /** Accounts directly in this node. */
  accounts: number;
  nonCompliant: number;
}

export interface Plan {
  mode: Mode;
  organization: { id: string; rootId: string; managementAccountId: string };
  verdict: Verdict;
  summary: string;
  changes: Change[];
  effectiveChanges: EffectiveChange[];
  violations: Violation[];
  accounts: { total: number; compliant: number; nonCompliant: number };
  warnings: PlanWarning[];
  nodes: NodeSummary[];
}

export interface PlanOptions {
  /** Overrides the desired state's `mode` (the pipeline's UserParameters do this). */
  mode?: Mode;
}

interface ExistingPolicy {
  snapshot: SnapshotPolicy;
  document: ParsedPolicyDocument;
  managed: boolean;
}

function changeTarget(node: OrgNode): ChangeTarget {
  return {
    type: node.type,
    id: node.id,
    name: node.name,
    path: node.type === 'ACCOUNT' ? `${node.path}/${node.name}` : node.path,
  };
}

function targetError(location: SourceLocation, message: string, hint?: string): Diagnostic {
  return { severity: 'error', code: 'unknown-target', location, message, ...(hint ? { hint } : {}) };
}

/** Resolves each target to a node, in order; unresolved ones are `undefined` and add an error. */
function resolveTargets(
  tree: OrgTree,
  targets: readonly LocatedTarget[],
  errors: Diagnostic[],
): (OrgNode | undefined)[] {
  return targets.map((target) => {
    const resolution = tree.resolve(target.ref);
    if (resolution.ok) return resolution.node;
    errors.push(targetError(target.location, resolution.message, resolution.hint));
    return undefined;
  });
}

/** Exempt services per node (root, OU or account), shared with the parent when the node adds none. */
function exemptionsByNode(
  tree: OrgTree,
  exceptions: Map<string, string[]>,
): Map<string, ReadonlySet<string>> {
  const result = new Map<string, ReadonlySet<string>>();
  const empty: ReadonlySet<string> = new Set();
  for (const node of tree.topDown()) {
    const inherited = node.parentId === undefined ? empty : (result.get(node.parentId) ?? empty);
    const own = exceptions.get(node.id);
    result.set(node.id, own ? new Set([...inherited, ...own]) : inherited);
  }
  return result;
}

interface ViolationTemplate {
  service: string;
  actual: ResolvedSetting;
  cause: string;
  causeDetail: string;
}

function causeOf(
  tree: OrgTree,
  state: EffectiveState,
  service: string,
): { cause: string; causeDetail: string } {
  const source = resolvedSource(state, service);
  if (!source) return { cause: 'none', causeDetail: 'no AI opt-out policy sets it' };
  const node = tree.get(source.nodeId);
  return {
    cause: `${source.policyId}@${source.nodeId}`,
    causeDetail: `${source.policyName} on ${node ? tree.label(node) : source.nodeId}`,
  };
}

/** Services of one effective state that break `expect`, given the exempt services. */
function breaches(
  tree: OrgTree,
  state: EffectiveState,
  expectation: Expectation,
  exempt: ReadonlySet<string>,
): ViolationTemplate[] {
  const found: ViolationTemplate[] = [];
  if (expectation.optOut === 'all') {
    if (!exempt.has('default')) {
      const actual = resolve(state, 'default');
      if (actual !== 'optOut') found.push({ service: 'default', actual, ...causeOf(tree, state, 'default') });
    }
    for (const [service, entry] of state.entries) {
      if (service === 'default' || exempt.has(service) || entry.value !== 'optIn') continue;
      found.push({ service, actual: 'optIn', ...causeOf(tree, state, service) });
    }
  } else {
    for (const service of expectation.optOut) {
      if (exempt.has(service)) continue;
      const actual = resolve(state, service);
      if (actual !== 'optOut') found.push({ service, actual, ...causeOf(tree, state, service) });
    }
  }
  return found;
}

/** Memoizes a computation on (state, other) pairs compared by identity. */
class PairCache<B extends object, T> {
  private readonly cache = new WeakMap<EffectiveState, Map<B, T>>();
  get(state: EffectiveState, other: B, compute: () => T): T {
    let inner = this.cache.get(state);
    if (!inner) {
      inner = new Map();
      this.cache.set(state, inner);
    }
    let value = inner.get(other);
    if (value === undefined) {
      value = compute();
      inner.set(other, value);
    }
    return value;
  }
}

function diffStates(
  before: EffectiveState,
  after: EffectiveState,
): { service: string; from: ResolvedSetting; to: ResolvedSetting }[] {
  if (before === after) return [];
  const services = new Set([...servicesOf(before), ...servicesOf(after)]);
  const ordered = [...services].sort(compareServiceKeys);
  const changes: { service: string; from: ResolvedSetting; to: ResolvedSetting }[] = [];
  for (const service of ordered) {
    const from = resolve(before, service);
    const to = resolve(after, service);
    if (from !== to) changes.push({ service, from, to });
  }
  return changes;
}

function conflictWarning(tree: OrgTree, conflict: ValueConflict): PlanWarning {
  const node = tree.get(conflict.nodeId);
  const where = node ? tree.label(node) : conflict.nodeId;
  const parts = conflict.candidates
    .map(
      (c) =>
        `${c.policyName} (${c.policyId.startsWith(NEW_POLICY_ID) ? 'to be created' : c.policyId}) sets ${c.value}`,
    )
    .join(', ');
  return {
    code: 'same-node-conflict',
    nodeId: conflict.nodeId,
    message: `${where}: policies attached to the same node disagree on ${conflict.service}: ${parts}. AWS applies them in attachment order, which no API reports; this plan assumes ${conflict.assumed}.`,
  };
}

const NEW_POLICY_ID = '(new)';

/** Computes the plan. Throws ConfigurationError for problems the desired state must fix. */
export function plan(desired: DesiredState, snapshot: OrgSnapshot, options: PlanOptions = {}): Plan {
  const mode = options.mode ?? desired.mode;
  const tree = new OrgTree(snapshot);
  const errors: Diagnostic[] = [];
  const warnings: PlanWarning[] = [];
  const changes: Change[] = [];
  const typeStatus = aiPolicyTypeStatus(snapshot.root);
  const typeEnabled = typeStatus === 'ENABLED';

  if (typeStatus === 'DISABLED' || typeStatus === 'PENDING_DISABLE') {
    changes.push({
      action: 'enable-policy-type',
      target: changeTarget(tree.root),
      detail: `AISERVICES_OPT_OUT_POLICY is ${typeStatus === 'DISABLED' ? 'not enabled' : 'being disabled'} on ${tree.root.id}; no AI opt-out policy applies until it is enabled`,
    });
  } else if (typeStatus === 'PENDING_ENABLE') {
    warnings.push({
      code: 'policy-type-pending',
      message: `AISERVICES_OPT_OUT_POLICY is still being enabled on ${tree.root.id} (PENDING_ENABLE)`,
    });
  }

  const existing: ExistingPolicy[] = snapshot.policies.map((p) => ({
    snapshot: p,
    document: parsePolicyDocument(p.content),
    managed: isManagedPolicy(p),
  }));
  const byName = new Map<string, ExistingPolicy[]>();
  for (const policy of existing) pushTo(byName, policy.snapshot.name, policy);

  const declaredNames = new Set(desired.policies.map((p) => p.name));
  /** Existing policies the desired state takes over (managed with a declared name, or adopted). */
  const claimed = new Set<ExistingPolicy>();
  const declaredById = new Map<string, DesiredPolicy>();
  const afterAttachments = new Map<string, AttachedPolicy[]>();
  const declaredAttachments = new Map<string, AttachedPolicy[]>();
  const afterCountByNode = new Map<string, { names: string[]; location?: SourceLocation }>();
  const countAfter = (nodeId: string, name: string, location?: SourceLocation) => {
    const entry = afterCountByNode.get(nodeId) ?? { names: [] };
    entry.names.push(name);
    if (location && !entry.location) entry.location = location;
    afterCountByNode.set(nodeId, entry);
  };

  for (const declared of desired.policies) {
    const nodes = resolveTargets(tree, declared.targets, errors);
    const matches = byName.get(declared.name) ?? [];
    const match = matches[0];
    if (matches.length > 1) {
      errors.push({
        severity: 'error',
        code: 'ambiguous-policy-name',
        location: declared.location,
        message: `${matches.length} AI opt-out policies in the organization are named ${declared.name} (${matches.map((m) => m.snapshot.id).join(', ')})`,
        hint: 'rename or delete the extra ones so the name identifies one policy',
      });
      continue;
    }
    let policyId: string | undefined;
    if (!match) {
      changes.push({
        action: 'create-policy',
        policy: declared.name,
        detail: `create ${declared.name} (${describePolicy(declared)})`,
        content: declared.content,
        description: declared.description,
      });
    } else if (match.managed || declared.adopt) {
      claimed.add(match);
      policyId = match.snapshot.id;
      const contentDiffers = !sameDocument(match.snapshot.content, declared.content);
      const descriptionDiffers = match.snapshot.description !== declared.description;
      if (!match.managed) {
        changes.push({
          action: 'adopt-policy',
          policy: declared.name,
          policyId,
          detail: `tag ${declared.name} as managed${contentDiffers ? ' and replace its content' : ''}${descriptionDiffers ? ' and description' : ''}`,
          content: declared.content,
          description: declared.description,
        });
      } else if (contentDiffers || descriptionDiffers) {
        const what = [contentDiffers ? 'content' : '', descriptionDiffers ? 'description' : '']
          .filter(Boolean)
          .join(' and ');
        changes.push({
          action: 'update-policy',
          policy: declared.name,
          policyId,
          detail: `${what} of ${declared.name} differ${what.includes(' and ') ? '' : 's'} from the desired state`,
          content: declared.content,
          description: declared.description,
        });
      }
    } else {
      errors.push({
        severity: 'error',
        code: 'name-conflict',
        location: declared.location,
        message: `an AI opt-out policy named ${declared.name} already exists (${match.snapshot.id}) and is not tagged ai-optout:managed=true`,
        hint: 'set `adopt: true` on this policy to take it over, or choose another name',
      });
      continue;
    }

    const attached: AttachedPolicy = {
      id: policyId ?? `${NEW_POLICY_ID} ${declared.name}`,
      name: declared.name,
      document: parsePolicyDocument(declared.content),
    };
    declaredById.set(attached.id, declared);
    const current = new Set(match && typeEnabled ? match.snapshot.targets : []);
    const wanted = new Set<string>();
    declared.targets.forEach((target, i) => {
      const node = nodes[i];
      if (!node || wanted.has(node.id)) return;
      wanted.add(node.id);
      pushTo(afterAttachments, node.id, attached);
      pushTo(declaredAttachments, node.id, attached);
      countAfter(node.id, declared.name, target.location);
      if (!current.has(node.id)) {
        changes.push({
          action: 'attach-policy',
          policy: declared.name,
          ...(policyId ? { policyId } : {}),
          target: changeTarget(node),
          detail: `attach ${declared.name} to ${tree.label(node)}`,
        });
      }
    });
    for (const targetId of current) {
      if (wanted.has(targetId)) continue;
      const node = tree.get(targetId);
      if (!node) continue;
      changes.push({
        action: 'detach-policy',
        policy: declared.name,
        policyId: policyId as string,
        target: changeTarget(node),
        detail: `detach ${declared.name} from ${tree.label(node)}, which the desired state does not target`,
      });
    }
  }

  for (const policy of existing) {
    if (claimed.has(policy)) continue;
    const { id, name } = policy.snapshot;
    const targets = typeEnabled ? policy.snapshot.targets : [];
    if (policy.managed && !declaredNames.has(name)) {
      for (const targetId of targets) {
        const node = tree.get(targetId);
        if (!node) continue;
        changes.push({
          action: 'detach-policy',
          policy: name,
          policyId: id,
          target: changeTarget(node),
          detail: `detach ${name}, which is no longer declared, from ${tree.label(node)}`,
        });
      }
      changes.push({
        action: 'delete-policy',
        policy: name,
        policyId: id,
        detail: `delete ${name}: tagged as managed but no longer declared`,
      });
      continue;
    }
    if (policy.managed) continue; // a managed duplicate of a declared name was reported above
    for (const finding of policy.document.findings) {
      warnings.push({
        code: 'malformed-policy',
        policyId: id,
        message: `unmanaged policy ${name} (${id}) ${finding.path}: ${finding.message}`,
      });
    }
    for (const targetId of targets) {
      const node = tree.get(targetId);
      if (!node) continue;
      if (desired.unmanaged === 'detach') {
        changes.push({
          action: 'detach-policy',
          policy: name,
          policyId: id,
          target: changeTarget(node),
          detail: `detach unmanaged policy ${name} from ${tree.label(node)} (unmanaged: detach)`,
        });
        continue;
      }
      pushTo(afterAttachments, targetId, { id, name, document: policy.document });
      countAfter(targetId, name);
      if (desired.unmanaged === 'report') {
        changes.push({
          action: 'unmanaged-policy',
          policy: name,
          policyId: id,
          target: changeTarget(node),
          detail: `unmanaged policy ${name} is attached to ${tree.label(node)}; apply leaves it (unmanaged: report)`,
        });
      }
    }
  }

  for (const [nodeId, entry] of afterCountByNode) {
    if (entry.names.length <= MAX_POLICIES_PER_TARGET) continue;
    const node = tree.get(nodeId) as OrgNode;
    errors.push({
      severity: 'error',
      code: 'too-many-policies-on-target',
      location: entry.location ?? { file: desired.file, line: 1, col: 1 },
      message: `${tree.label(node)} would carry ${entry.names.length} AI opt-out policies (${entry.names.join(', ')}); AWS allows at most ${MAX_POLICIES_PER_TARGET}`,
      hint: 'merge declared policies, or detach unmanaged ones (`unmanaged: detach`)',
    });
  }

  const exceptions = new Map<string, string[]>();
  if (desired.expect) {
    for (const exception of desired.expect.except) {
      const [node] = resolveTargets(tree, [exception.target], errors);
      if (node) exceptions.set(node.id, [...(exceptions.get(node.id) ?? []), ...exception.services]);
    }
  }

  if (errors.length > 0) {
    throw new ConfigurationError(
      `${desired.file}: the desired state does not fit organization ${snapshot.organization.id} (${errors.length} problem${errors.length === 1 ? '' : 's'})`,
      errors,
    );
  }

  const currentAttachments = attachmentsOf(
    typeEnabled ? existing.map((p) => ({ ...p.snapshot, document: p.document })) : [],
  );
  const current = new EffectivePolicies(tree, currentAttachments);
  const after = new EffectivePolicies(tree, afterAttachments);
  const exempt = exemptionsByNode(tree, exceptions);

  if (desired.expect)
    checkDeclaredAgainstExpect(
      desired,
      tree,
      declaredAttachments,
      declaredById,
      exempt,
      snapshot.organization.id,
    );

  const seenConflicts = new Set<string>();
  for (const conflict of [...current.conflicts, ...after.conflicts]) {
    const key = `${conflict.nodeId}|${conflict.service}|${conflict.candidates.map((c) => `${c.policyName}=${c.value}`).join(',')}`;
    if (seenConflicts.has(key)) continue;
    seenConflicts.add(key);
    warnings.push(conflictWarning(tree, conflict));
  }

  const effectiveChanges: EffectiveChange[] = [];
  const violations: Violation[] = [];
  const diffCache = new PairCache<EffectiveState, ReturnType<typeof diffStates>>();
  const breachCache = new PairCache<ReadonlySet<string>, ViolationTemplate[]>();
  const nonCompliantByNode = new Map<string, number>();
  let nonCompliant = 0;
  for (const account of tree.accounts) {
    const before = current.stateOf(account.id);
    const afterState = after.stateOf(account.id);
    const diffs = diffCache.get(before, afterState, () => diffStates(before, afterState));
    for (const diff of diffs) {
      effectiveChanges.push({
        accountId: account.id,
        accountName: account.name,
        path: account.path,
        ...diff,
      });
    }
    let found: ViolationTemplate[] = [];
    if (desired.expect) {
      const expectation = desired.expect;
      const accountExempt = exempt.get(account.id) as ReadonlySet<string>;
      found = breachCache.get(before, accountExempt, () =>
        breaches(tree, before, expectation, accountExempt),
      );
      for (const breach of found) {
        violations.push({
          accountId: account.id,
          accountName: account.name,
          path: account.path,
          expected: 'optOut',
          ...breach,
        });
      }
    }
    if (diffs.length > 0 || found.length > 0) {
      nonCompliant++;
      const parent = account.parentId as string;
      nonCompliantByNode.set(parent, (nonCompliantByNode.get(parent) ?? 0) + 1);
    }
  }

  changes.sort(
    (a, b) =>
      ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) ||
      compareText(a.policy ?? '', b.policy ?? '') ||
      compareText(a.target?.path ?? '', b.target?.path ?? ''),
  );

  const nodes: NodeSummary[] = [tree.root, ...tree.organizationalUnits].map((node) => ({
    id: node.id,
    name: node.name,
    path: node.path,
    parentId: node.parentId,
    accounts: node.children.filter((c) => c.type === 'ACCOUNT').length,
    nonCompliant: nonCompliantByNode.get(node.id) ?? 0,
  }));

  const total = tree.accounts.length;
  const verdict = changes.length === 0 && violations.length === 0 ? 'in-sync' : 'drift';
  return {
    mode,
    organization: {
      id: snapshot.organization.id,
      rootId: tree.root.id,
      managementAccountId: snapshot.organization.managementAccountId,
    },
    verdict,
    summary: summarize(verdict, changes, effectiveChanges, violations, total, nonCompliant),
    changes,
    effectiveChanges,
    violations,
    accounts: { total, compliant: total - nonCompliant, nonCompliant },
    warnings,
    nodes,
  };
}

function describePolicy(policy: DesiredPolicy): string {
  const parts: string[] = [];
  if (policy.default) parts.push(`default ${policy.default}`);
  const services = Object.entries(policy.services);
  if (services.length > 0) parts.push(services.map(([k, v]) => `${k} ${v}`).join(', '));
  parts.push(`lock ${policy.lock}`);
  return parts.join('; ');
}

/** The declared policies alone, on the real hierarchy, must satisfy `expect`: otherwise the file is wrong. */
function checkDeclaredAgainstExpect(
  desired: DesiredState,
  tree: OrgTree,
  declaredAttachments: Map<string, AttachedPolicy[]>,
  declaredById: ReadonlyMap<string, DesiredPolicy>,
  exempt: Map<string, ReadonlySet<string>>,
  organizationId: string,
): void {
  const expectation = desired.expect as Expectation;
  const declared = new EffectivePolicies(tree, declaredAttachments);
  const groups = new Map<string, { template: ViolationTemplate; accounts: OrgNode[] }>();
  const cache = new PairCache<ReadonlySet<string>, ViolationTemplate[]>();
  for (const account of tree.accounts) {
    const state = declared.stateOf(account.id);
    const accountExempt = exempt.get(account.id) as ReadonlySet<string>;
    for (const template of cache.get(state, accountExempt, () =>
      breaches(tree, state, expectation, accountExempt),
    )) {
      const key = `${template.service}|${template.actual}|${template.cause}`;
      const group = groups.get(key) ?? { template, accounts: [] };
      group.accounts.push(account);
      groups.set(key, group);
    }
  }
  if (groups.size === 0) return;
  const diagnostics: Diagnostic[] = [...groups.values()].map(({ template, accounts }) => {
    const at = template.cause.lastIndexOf('@');
    const policy = at > 0 ? declaredById.get(template.cause.slice(0, at)) : undefined;
    const node = at > 0 ? tree.get(template.cause.slice(at + 1)) : undefined;
    const by = policy && node ? `set by ${policy.name} on ${tree.label(node)}` : 'no declared policy sets it';
    const sample = accounts
      .slice(0, 3)
      .map((a) => tree.label(a))
      .join(', ');
    const more = accounts.length > 3 ? ` and ${accounts.length - 3} more` : '';
    return {
      severity: 'error' as const,
      code: 'declared-breaks-expect',
      location: policy?.location ?? expectation.location,
      message: `the declared policies would leave ${template.service} ${template.actual} (${by}) for ${accounts.length} account${accounts.length === 1 ? '' : 's'}: ${sample}${more}, which breaks expect.optOut`,
      hint: 'change the policy, or add an `expect.except` entry for those accounts',
    };
  });
  throw new ConfigurationError(
    `${desired.file}: the declared policies break the file's own expect block in organization ${organizationId}`,
    diagnostics,
  );
}

/** Ordinal comparison: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summarize(
  verdict: Plan['verdict'],
  changes: Change[],
  effectiveChanges: EffectiveChange[],
  violations: Violation[],
  total: number,
  nonCompliant: number,
): string {
  if (verdict === 'in-sync') return `in-sync: ${plural(total, 'account')} match the desired state and expect`;
  const accountsChanging = new Set(effectiveChanges.map((c) => c.accountId)).size;
  const accountsViolating = new Set(violations.map((v) => v.accountId)).size;
  const parts = [plural(changes.length, 'change')];
  if (accountsChanging > 0)
    parts.push(`${plural(accountsChanging, 'account')} would change effective settings`);
  parts.push(`${plural(violations.length, 'violation')} in ${plural(accountsViolating, 'account')}`);
  return `drift: ${parts.join(', ')}; ${nonCompliant} of ${total} accounts non-compliant`;
}
