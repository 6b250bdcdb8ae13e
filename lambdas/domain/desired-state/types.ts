import type { Mode, UnmanagedHandling } from '../contract.ts';
import type { SourceLocation } from '../diagnostics.ts';
import type { Setting, TargetRef } from '../model.ts';
import type { Lock } from './schema.ts';

export interface LocatedTarget {
  ref: TargetRef;
  location: SourceLocation;
}

export interface DesiredPolicy {
  name: string;
  description: string;
  default: Setting | undefined;
  services: Readonly<Record<string, Setting>>;
  lock: Lock;
  adopt: boolean;
  targets: LocatedTarget[];
  /** The rendered, canonical policy document. */
  content: string;
  location: SourceLocation;
}

export interface ExpectException {
  target: LocatedTarget;
  services: string[];
}

export interface Expectation {
  /** `all`: effective default optOut and no service optIn; a list: each listed service resolves to optOut. */
  optOut: 'all' | string[];
  except: ExpectException[];
  location: SourceLocation;
}

/** A validated `ai-optout.yaml`. */
export interface DesiredState {
  version: 1;
  mode: Mode;
  unmanaged: UnmanagedHandling;
  policies: DesiredPolicy[];
  expect: Expectation | undefined;
  file: string;
}

export const DEFAULT_POLICY_DESCRIPTION = 'AI services opt-out policy managed by ai-optout';
