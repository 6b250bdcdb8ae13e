import type { Mode, UnmanagedHandling } from '../contract.ts';
import type { SourceLocation } from '../diagnostics.ts';
import type { TargetRef } from '../model.ts';
import type {
  BEDROCK_SECTION_POLICY_TYPE,
  BedrockExpectation,
  BedrockPolicy,
  Expectation,
  VERSION_1_POLICY_TYPE,
  Version1Settings,
} from '../policy-types/version-1.ts';

export type { Expectation, ExpectException } from '../policy-types/version-1.ts';

export interface LocatedTarget {
  ref: TargetRef;
  location: SourceLocation;
}

/** What a declared policy is whatever its type; its type's settings come with it. */
export interface DeclaredPolicy {
  name: string;
  description: string;
  adopt: boolean;
  targets: LocatedTarget[];
  /** The rendered, canonical policy document. */
  content: string;
  location: SourceLocation;
}

/** A declared policy of a version-1 file: an AI opt-out policy. */
export type DesiredPolicy = DeclaredPolicy & Version1Settings;

/** A validated `ai-optout.yaml`. */
export interface DesiredState {
  version: 1;
  mode: Mode;
  unmanaged: UnmanagedHandling;
  /** The type of the policies below (policy-types/version-1.ts). */
  policyType: typeof VERSION_1_POLICY_TYPE;
  policies: DesiredPolicy[];
  expect: Expectation | undefined;
  /** The file's `bedrock:` section, when it has one. */
  bedrock: BedrockSection | undefined;
  file: string;
}

/** The `bedrock:` section: Amazon Bedrock policies and their `expect` rules. */
export interface BedrockSection {
  policyType: typeof BEDROCK_SECTION_POLICY_TYPE;
  unmanaged: UnmanagedHandling;
  policies: BedrockPolicy[];
  expect: BedrockExpectation | undefined;
  /** Where the section starts, for messages about it. */
  location: SourceLocation;
}

export const DEFAULT_POLICY_DESCRIPTION = 'AI services opt-out policy managed by ai-optout';
export const DEFAULT_BEDROCK_POLICY_DESCRIPTION = 'Amazon Bedrock policy managed by ai-optout';
