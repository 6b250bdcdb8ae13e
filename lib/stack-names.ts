/**
 * The physical names this project gives its own resources. With an LZA qualifier every one of them
 * carries it, so two LZA installs in one account (LZA's external deployment) get two ai-optout stacks
 * that do not collide; names CloudFormation generates start with the stack name, which carries it too.
 */
import type { Mode } from '../lambdas/domain/contract.ts';

const DEFAULT_STACK_NAME = 'AiOptOutPipeline';

/**
 * IAM role names are at most 64 characters; the reconciler role is
 * `ai-optout-<qualifier>-reconciler-<region>` and regions run to 14 characters (`ap-southeast-2`).
 */
export const MAX_QUALIFIER_LENGTH = 28;

interface StackNames {
  readonly stackName: string;
  readonly pipelineName: string;
  /** The reconciler role is `<prefix>-<region>`; the management-account role trusts `<prefix>-*`. */
  readonly reconcilerRolePrefix: string;
  managementRoleName(mode: Mode): string;
}

/**
 * The qualifier goes right after `ai-optout-`, so no trust pattern matches another install's role:
 * `ai-optout-reconciler-*` cannot match `ai-optout-blue-reconciler-…`, and `ai-optout-blue-reconciler-*`
 * cannot match `ai-optout-blue-x-reconciler-…` (qualifiers may not contain `reconciler`, see settings).
 */
export function stackNames(qualifier?: string): StackNames {
  const infix = qualifier ? `${qualifier}-` : '';
  return {
    stackName: qualifier ? `${DEFAULT_STACK_NAME}-${qualifier}` : DEFAULT_STACK_NAME,
    pipelineName: `ai-optout${qualifier ? `-${qualifier}` : ''}`,
    reconcilerRolePrefix: `ai-optout-${infix}reconciler`,
    managementRoleName: (mode) => `ai-optout-${infix}${mode}`,
  };
}
