/**
 * The pull-request check's verdict and its comment, from what `plan --base-config` wrote: `fail` when the
 * desired state cannot be planned or the pull request adds violations, `review` when a person must
 * approve it (the report's reasons, or no base to compare with), `pass` otherwise. Only `pass` may
 * approve; the comment says plainly which it is and why.
 */
import { escapeMarkdown, markdownCodeBlock } from '../../lambdas/domain/report/escape.ts';
import type { Report } from '../../lambdas/domain/report/schema.ts';

export type CheckVerdict = 'pass' | 'review' | 'fail';

export interface CheckOutcome {
  verdict: CheckVerdict;
  /** The plan's exit code (0 in-sync, 2 drift, 1 error). */
  planExitCode: number;
  /** Violations of `expect` the pull request adds (all of them without a base); -1 when it cannot be planned. */
  violationsAdded: number;
  /** Why a person must review it. */
  reasons: string[];
}

export const NO_BASE_REASON = 'has no base to compare with, so all of it is new to the check';

export function outcomeOf(planExitCode: number, report: Report | undefined): CheckOutcome {
  if (!report || planExitCode === 1)
    return { verdict: 'fail', planExitCode, violationsAdded: -1, reasons: [] };
  const part = report.pullRequest;
  if (part)
    return {
      verdict: part.verdict,
      planExitCode,
      violationsAdded: part.violations.length,
      reasons: part.humanReview,
    };
  const added = report.violations.length;
  return {
    verdict: added > 0 ? 'fail' : 'review',
    planExitCode,
    violationsAdded: added,
    reasons: [NO_BASE_REASON],
  };
}

/**
 * The comment: the markdown report when there is one (after what having no base means for the verdict,
 * when there was none), else the errors in a code block no line of them can close.
 */
export function commentBody(
  outcome: CheckOutcome,
  markdown: string | undefined,
  errors: string,
  hadBase: boolean,
): string {
  if (markdown === undefined)
    return `## ❌ AI services opt-out: the desired state cannot be planned\n\n${markdownCodeBlock(errors.trimEnd())}\n`;
  if (hadBase) return markdown;
  const head =
    outcome.verdict === 'fail'
      ? [
          '## ❌ AI services opt-out: no base to compare with, and violations of expect',
          '',
          `**The check fails: with no base to compare with, every violation of expect counts (${outcome.violationsAdded}).**`,
        ]
      : [
          '## 👀 AI services opt-out: a person must review this pull request',
          '',
          `**The check does not approve it: it ${escapeMarkdown(NO_BASE_REASON)}.**`,
        ];
  return [
    ...head,
    '',
    '(The base has no desired state, or it could not be read.)',
    '',
    '---',
    '',
    markdown,
  ].join('\n');
}

/** The comment cut to a host's limit, saying where the rest is. */
export function cutComment(body: string, limit: number, rest: string): string {
  if (body.length <= limit) return body;
  return `${body.slice(0, limit)}\n\n… (cut; ${rest} has the full report)\n`;
}

/** One line for the log: the verdict, the plan's exit code and the violations added, and the reasons. */
export function outcomeLine(outcome: CheckOutcome): string {
  const why =
    outcome.reasons.length > 0 ? `; a person must review it: it ${outcome.reasons.join('; it ')}` : '';
  return `ai-optout pull-request check: ${outcome.verdict} (plan exit code ${outcome.planExitCode}, violations added: ${outcome.violationsAdded})${why}`;
}
