/**
 * Report JSON, version 1 (contract section 4). The report builder is typed by this schema and the
 * tests check real output against it, so the contract cannot drift silently.
 */

import { z } from 'zod';
import { ModeSchema, VerdictSchema } from '../contract.ts';
import { ACTION_ORDER } from '../planner.ts';

const resolved = z.enum(['optOut', 'optIn', 'unset']);

export const ReportSchema = z.strictObject({
  reportVersion: z.literal(1),
  generatedAt: z.iso.datetime(),
  mode: ModeSchema,
  organization: z.strictObject({ id: z.string(), rootId: z.string(), managementAccountId: z.string() }),
  verdict: VerdictSchema,
  summary: z.string().min(1),
  changes: z.array(
    z.strictObject({
      action: z.enum(ACTION_ORDER),
      policy: z.string().optional(),
      policyId: z.string().optional(),
      target: z
        .strictObject({
          type: z.enum(['ROOT', 'ORGANIZATIONAL_UNIT', 'ACCOUNT']),
          id: z.string(),
          name: z.string(),
          path: z.string(),
        })
        .optional(),
      detail: z.string(),
      content: z.string().optional(),
      description: z.string().optional(),
    }),
  ),
  effectiveChanges: z.array(
    z.strictObject({
      accountId: z.string(),
      accountName: z.string(),
      path: z.string(),
      service: z.string(),
      from: resolved,
      to: resolved,
    }),
  ),
  violations: z.array(
    z.strictObject({
      accountId: z.string(),
      accountName: z.string(),
      path: z.string(),
      service: z.string(),
      expected: z.literal('optOut'),
      actual: resolved,
      cause: z.string(),
      causeDetail: z.string(),
    }),
  ),
  accounts: z.strictObject({
    total: z.number().int().nonnegative(),
    compliant: z.number().int().nonnegative(),
    nonCompliant: z.number().int().nonnegative(),
  }),
  warnings: z.array(
    z.strictObject({
      code: z.string(),
      message: z.string(),
      policyId: z.string().optional(),
      nodeId: z.string().optional(),
    }),
  ),
  /**
   * Extension (still version 1): the configuration revision checked, i.e. the source revision of the
   * pipeline's input artifact (an S3 version id or a commit id); absent when unknown (CLI runs).
   */
  revision: z.string().min(1).max(1500).optional(),
  /** Present after an apply: what each step did (the plan fields then describe the verified state). */
  applied: z
    .array(
      z.strictObject({
        action: z.string(),
        policy: z.string().optional(),
        policyId: z.string().optional(),
        targetId: z.string().optional(),
        targetPath: z.string().optional(),
        outcome: z.enum(['done', 'already-done', 'skipped']),
        detail: z.string(),
      }),
    )
    .optional(),
});

export type AppliedStepReport = NonNullable<z.infer<typeof ReportSchema>['applied']>[number];

export type Report = z.infer<typeof ReportSchema>;
