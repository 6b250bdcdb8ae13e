/**
 * Report JSON, version 1 (docs/cli.md, `--format json`): the published plan (planner/schema.ts) with
 * the report's own header and, after an apply, its steps. The report builder is typed by this schema
 * and the tests check real output against it, so the contract cannot drift silently.
 */

import * as z from 'zod';
import { PublishedPlanSchema, PullRequestSchema, SnapshotInfoSchema } from '../planner/schema.ts';

export const ReportSchema = z.strictObject({
  reportVersion: z.literal(1),
  generatedAt: z.iso.datetime(),
  ...PublishedPlanSchema.shape,
  /**
   * Extension (still version 1): the configuration revision checked, i.e. the source revision of the
   * pipeline's input artifact (an S3 version id or a commit id); absent when unknown (CLI runs).
   */
  revision: z.string().min(1).max(1500).optional(),
  /** Extension (still version 1): the snapshot planned against (`plan --snapshot`); absent for live reads. */
  snapshot: SnapshotInfoSchema.optional(),
  /** Extension (still version 1): what the pull request itself changes (`plan --base-config`). */
  pullRequest: PullRequestSchema.optional(),
  /**
   * Extension (still version 1): what started the pipeline run (the schedule, the Organizations events
   * of a burst, or an LZA run or manual start); absent in CLI runs.
   */
  trigger: z.string().min(1).max(1000).optional(),
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
        /** The policy's Organizations type, when it is not AI services opt-out (as on `changes[]`). */
        policyType: z.string().optional(),
      }),
    )
    .optional(),
});

export type AppliedStepReport = NonNullable<z.infer<typeof ReportSchema>['applied']>[number];

export type Report = z.infer<typeof ReportSchema>;
