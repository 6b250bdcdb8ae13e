/**
 * The inheritance operators of declarative policy types [ORG-INHERITANCE-OPERATORS], shared by AI opt-out
 * and Bedrock policies [ORG-BEDROCK-SYNTAX]: the value-setting operators (`@@assign`; `@@append` and
 * `@@remove` for lists only) and the child-control operator, whose list is read as a set of allowed
 * operators.
 */
import type { DocumentFinding } from './policy-type.ts';

export const CHILD_CONTROL = '@@operators_allowed_for_child_policies';
export const ASSIGN = '@@assign';
export const APPEND = '@@append';
export const REMOVE = '@@remove';

/** Operators a child policy may use at one node, as a bit set. */
export type OperatorSet = number;
export const OP_ASSIGN = 1;
export const OP_APPEND = 2;
export const OP_REMOVE = 4;
export const OPS_ALL: OperatorSet = OP_ASSIGN | OP_APPEND | OP_REMOVE;
export const OPS_NONE: OperatorSet = 0;

const OPERATOR_BITS: Readonly<Record<string, OperatorSet>> = {
  '@@all': OPS_ALL,
  '@@none': OPS_NONE,
  [ASSIGN]: OP_ASSIGN,
  [APPEND]: OP_APPEND,
  [REMOVE]: OP_REMOVE,
};

export function allows(ops: OperatorSet, bit: OperatorSet): boolean {
  return (ops & bit) !== 0;
}

/** A child-control list such as `["@@none"]`, or undefined (with a finding) when AWS would not read it. */
export function parseOperatorList(
  value: unknown,
  path: string,
  findings: DocumentFinding[],
): OperatorSet | undefined {
  const where = `${path}.${CHILD_CONTROL}`;
  if (!Array.isArray(value) || value.length === 0) {
    findings.push({ path: where, message: 'must be a non-empty JSON array such as ["@@none"]; ignored' });
    return undefined;
  }
  let ops = OPS_NONE;
  for (const item of value) {
    const bits =
      typeof item === 'string' && Object.hasOwn(OPERATOR_BITS, item) ? OPERATOR_BITS[item] : undefined;
    if (bits === undefined) {
      findings.push({
        path: where,
        message: `unknown operator ${JSON.stringify(item)}; the lock is ignored`,
      });
      return undefined;
    }
    ops |= bits;
  }
  if (value.includes('@@none') && value.length > 1) {
    findings.push({
      path: where,
      message: '"@@none" cannot be combined with other operators; read as ["@@none"]',
    });
    return OPS_NONE;
  }
  return ops;
}
