/**
 * The seam a policy type plugs into. Everything the generic code needs to know of one AWS Organizations
 * policy type sits behind one descriptor, `PolicyType`: the planner, the effective-policy walk, the
 * Organizations adapters and the IAM statements take the type from it and name no type themselves.
 * Each type lives in a folder of its own below policy-types/ (ai-optout/ is the first), and
 * version-1.ts says which type the version-1 files hold.
 *
 * A type brings:
 * - `facts`: its Organizations name, AWS's limits of it and the partitions it does not apply in, as plain
 *   values (the CDK constructs read them without loading the domain);
 * - `documents`: parsing any policy content an organization holds (never throwing), and a declared
 *   policy in a few words;
 * - `engine`: the value rules of inheritance, that is how the policies of one node change the state its
 *   parent passes down (EffectivePolicies walks the tree), and the settings a report lists;
 * - `expect`: which settings of an effective state break the file's guardrail;
 * - `aws`: AWS's printed effective policy (DescribeEffectivePolicy), which confirms the local computation;
 * - `desiredState`: the type's keys of a policy entry and its `expect` block in the YAML, with the checks a
 *   schema cannot express.
 *
 * The rows a plan publishes (planner/schema.ts: effective changes, violations, disagreements) are report
 * version 1's, whose values are this first type's; a type with other values widens them there.
 */
import type * as z from 'zod';
import type { CheckContext } from '../desired-state/check-context.ts';
import type { Path } from '../desired-state/locator.ts';
import type { DeclaredPolicy, LocatedTarget } from '../desired-state/types.ts';
import type { SourceLocation } from '../diagnostics.ts';
import type { OrgSnapshot } from '../model.ts';
import type { OrgNode, OrgTree } from '../organization.ts';
import type { Disagreement, EffectiveChange, Violation } from '../planner/schema.ts';

/** What a policy type is to AWS, as plain values. */
export interface PolicyTypeFacts {
  /**
   * The type's name in the Organizations API (ListPolicies' Filter, EnablePolicyType,
   * DescribeEffectivePolicy) and in the organizations:PolicyType condition key.
   */
  readonly organizationsType: string;
  /** The type's name in AWS's documentation, plural. */
  readonly title: string;
  /** One policy of the type, as a sentence names it, and several. */
  readonly noun: string;
  readonly nounPlural: string;
  /** The type in IAM statement ids, PascalCase. */
  readonly statementName: string;
  /** AWS's quotas: policies of the type directly attached to one root, OU or account; document size. */
  readonly maxPoliciesPerTarget: number;
  readonly maxDocumentCharacters: number;
  /** Partitions (by name) where AWS does not apply the type, and why, in AWS's words. */
  readonly notApplied: { readonly partitions: readonly string[]; readonly because: string };
  /**
   * The deployment setting (the constructs' prop, `-c <setting>=true`) without which the stack's roles
   * hold none of the type's permissions; a denied call of the type names it. None: every deployment does.
   */
  readonly deploymentSetting?: string;
}

/** Something in a policy document AWS would ignore or refuse, at a JSON path such as `services.lex`. */
export interface DocumentFinding {
  path: string;
  message: string;
}

/** What the generic code reads of a parsed policy document; the rest is the type's. */
export interface PolicyDocument {
  /** False when nothing in the document can apply (not JSON, not the type's shape). */
  readonly usable: boolean;
  readonly findings: readonly DocumentFinding[];
}

export interface AttachedPolicy<D extends PolicyDocument = PolicyDocument> {
  id: string;
  name: string;
  document: D;
}

/** The policy, and the root, OU or account it is attached to, that decides a setting. */
export interface SettingSource {
  policyId: string;
  policyName: string;
  nodeId: string;
}

/** Policies on one node that assign different values to one setting (AWS applies them in attachment order). */
export interface ValueConflict {
  nodeId: string;
  service: string;
  candidates: { policyId: string; policyName: string; value: string }[];
  /** The value the engine assumes, since no API reports attachment order. */
  assumed: string;
}

/** A setting whose resolved value a plan changes, for one account. */
export type SettingChange = Pick<EffectiveChange, 'service' | 'from' | 'to'>;

/** A setting of one effective state that breaks `expect`, for every account with that state. */
export type Breach = Pick<Violation, 'service' | 'expected' | 'actual' | 'cause' | 'causeDetail'>;

/** Each setting with a value in an effective policy, and that value as AWS prints it. */
export type EffectiveSettings = ReadonlyMap<string, string>;

export interface SettingDifference {
  service: string;
  /** Ours, or `absent`. */
  local: string;
  /** AWS's, or `absent`. */
  aws: string;
}

/** A policy of an account's chain (root first) with the node it is attached to. */
export interface ChainPolicy<D extends PolicyDocument = PolicyDocument> {
  policy: AttachedPolicy<D>;
  node: OrgNode;
}

/**
 * An `expect` block, as the generic code reads it: where it is, the services exempt at or below a
 * target, and rules that hold only at or below a target (an account outside one is exempt from its id).
 */
export interface ExpectBlock {
  location: SourceLocation;
  except: readonly { target: LocatedTarget; services: readonly string[] }[];
  scoped?: readonly { target: LocatedTarget; id: string }[];
}

/** The types a policy type works with; the generic code treats them as opaque. */
export interface PolicyTypeShapes {
  /** An effective policy as the engine computes it; nodes with the same policies share one. */
  state: object;
  document: PolicyDocument;
  /** A declared policy with the type's settings. */
  policy: DeclaredPolicy;
  /** The file's `expect` block. */
  expectation: ExpectBlock;
  /** The zod schemas of the type's keys of a policy entry, and of its `expect` block. */
  policyFields: Readonly<Record<string, z.ZodType>>;
  expectSchema: z.ZodType;
}

export interface PolicyType<T extends PolicyTypeShapes = PolicyTypeShapes> {
  readonly facts: PolicyTypeFacts;

  readonly documents: {
    /** Parses content as Organizations stores it. Never throws: what AWS would not apply becomes findings. */
    parse(content: string): T['document'];
    /** A declared policy's settings in a few words, for the create-policy line of a plan. */
    describe(policy: T['policy']): string;
  };

  readonly engine: {
    /** The state above the root: nothing set, nothing locked. */
    readonly empty: T['state'];
    /**
     * The state of a node: the policies attached to it merged into its parent's state. A node whose
     * policies change nothing returns the parent's state object itself.
     */
    merge(
      parent: T['state'],
      nodeId: string,
      policies: readonly AttachedPolicy<T['document']>[],
    ): { state: T['state']; conflicts: ValueConflict[] };
    /** The settings whose resolved value differs between two states, in report order. */
    changes(before: T['state'], after: T['state']): SettingChange[];
  };

  readonly expect: {
    /** The rule a breach breaks, as messages name it. */
    readonly rule: string;
    /** How to mend the file when its declared policies alone break the rule (default: AI opt-out's). */
    readonly fix?: string;
    breaches(
      tree: OrgTree,
      state: T['state'],
      expectation: T['expectation'],
      exempt: ReadonlySet<string>,
    ): Breach[];
  };

  readonly aws: {
    /** The settings of a local state, as AWS would print them. */
    settings(state: T['state']): EffectiveSettings;
    /** Settings in AWS's printed form (the report's `local` of a disagreement). */
    document(settings: EffectiveSettings): Disagreement['local'];
    /** AWS's printed document (absent or empty: no effective policy), or what was unreadable in it. */
    parse(content: string | undefined): { settings: EffectiveSettings } | { error: string };
    /** The settings whose values differ, in report order. */
    differences(local: EffectiveSettings, aws: EffectiveSettings): SettingDifference[];
    /** The node whose policy decides a setting of the state, if any. */
    decidedAt(state: T['state'], service: string): string | undefined;
    /** AWS's settings as a state of an account with this chain of policies (what AWS does not print stays ours). */
    stateOf(
      local: T['state'],
      aws: EffectiveSettings,
      chain: readonly ChainPolicy<T['document']>[],
    ): T['state'];
    /** An account whose effective policy AWS lists as invalid: the setting a validation error's path names. */
    serviceAt(pathToError: string | undefined): string;
    /** What such an account is held to: nothing of an invalid policy counts as enforced. */
    readonly unenforced: Pick<Violation, 'expected' | 'actual'>;
  };

  readonly desiredState: {
    /** The keys a policy entry of the file has for this type (merged into the entry's schema, in order). */
    readonly policyFields: T['policyFields'];
    /** The `expect` block. */
    readonly expectSchema: T['expectSchema'];
    /** Checks of one policy entry (already through the schema) a schema cannot express; its settings and document. */
    checkPolicy(
      ctx: CheckContext,
      raw: object,
      path: Path,
      label: string,
    ): { settings: Omit<T['policy'], keyof DeclaredPolicy>; content: string };
    checkExpect(ctx: CheckContext, raw: object | undefined): T['expectation'] | undefined;
  };
}

/** A policy type's status on the root (ListRoots); absent means disabled. */
export type PolicyTypeStatus = 'ENABLED' | 'PENDING_ENABLE' | 'PENDING_DISABLE' | 'DISABLED';

export function policyTypeStatus(root: OrgSnapshot['root'], facts: PolicyTypeFacts): PolicyTypeStatus {
  const entry = root.policyTypes.find((t) => t.type === facts.organizationsType);
  return entry ? (entry.status as PolicyTypeStatus) : 'DISABLED';
}

/** The type's part of a policy ARN (`…:policy/o-<org>/<type in lower case>/p-<id>`, [ORG-POLICY-ARN]). */
export function policyArnSegment(facts: PolicyTypeFacts): string {
  return facts.organizationsType.toLowerCase();
}
