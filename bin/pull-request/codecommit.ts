/**
 * The CodeCommit side of the pull-request check, through the AWS CLI the CodeBuild image has: the base's
 * file at the destination commit (GetFile, base64), the comment on the revision (PostCommentForPullRequest)
 * and the check's approval (UpdatePullRequestApprovalState) [CODECOMMIT-PULL-REQUESTS].
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** What the CodeBuild project's rule passes from the pull request's event. */
export interface CodeCommitPullRequest {
  repositoryName: string;
  pullRequestId: string;
  sourceCommit: string;
  destinationCommit: string;
  revisionId: string;
}

/** CodeCommit refuses comments over 10,240 characters; the rest of the report is in the build's reports. */
export const CODECOMMIT_COMMENT_LIMIT = 10_000;

/**
 * PATH with its absolute folders only: a relative entry (`.`, or an empty one) would let a program
 * named `aws` in the checkout under review run in its place.
 */
export function absolutePath(path = process.env.PATH ?? ''): string {
  return path
    .split(':')
    .filter((dir) => dir !== '' && isAbsolute(dir))
    .join(':');
}

function aws(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('aws', args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: absolutePath() },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: result.status === 0,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? String(result.error ?? ''),
  };
}

/**
 * The desired state at the destination commit, written to `out/base.yaml`; undefined (and why, for the
 * log) when the base has no such file or it cannot be read.
 */
export function baseFromCodeCommit(
  repositoryName: string,
  destinationCommit: string,
  file: string,
  out: string,
): { path: string } | { missing: string } {
  const got = aws([
    'codecommit',
    'get-file',
    '--repository-name',
    repositoryName,
    '--commit-specifier',
    destinationCommit,
    '--file-path',
    file,
    '--query',
    'fileContent',
    '--output',
    'text',
  ]);
  if (!got.ok) return { missing: got.stderr.trim().slice(0, 300) };
  const path = join(out, 'base.yaml');
  writeFileSync(path, Buffer.from(got.stdout.trim(), 'base64'));
  return { path };
}

/**
 * Posts `body` on the pull request's revision. The request token is the source commit and the body's
 * digest: a retried build does not post twice, and a new verdict for the same commit (a newer snapshot)
 * posts its own comment instead of failing on a reused token.
 */
export function postComment(pr: CodeCommitPullRequest, bodyFile: string, body: string): void {
  const digest = createHash('sha256').update(pr.sourceCommit).update(body).digest('hex').slice(0, 32);
  const posted = aws([
    'codecommit',
    'post-comment-for-pull-request',
    '--repository-name',
    pr.repositoryName,
    '--pull-request-id',
    pr.pullRequestId,
    '--before-commit-id',
    pr.destinationCommit,
    '--after-commit-id',
    pr.sourceCommit,
    '--client-request-token',
    `ai-optout-${digest}`,
    '--content',
    `file://${bodyFile}`,
  ]);
  if (!posted.ok) throw new Error(`the comment could not be posted: ${posted.stderr.trim().slice(0, 300)}`);
}

/**
 * APPROVE when the check passes; otherwise REVOKE, so that an approval this check gave the same revision
 * before (an earlier run, an older snapshot) does not stand. Never approves anything else. A REVOKE that
 * CodeCommit refuses (there was no approval to revoke) is reported, not fatal.
 */
export function setApproval(pr: CodeCommitPullRequest, approve: boolean): string {
  const state = approve ? 'APPROVE' : 'REVOKE';
  const set = aws([
    'codecommit',
    'update-pull-request-approval-state',
    '--pull-request-id',
    pr.pullRequestId,
    '--revision-id',
    pr.revisionId,
    '--approval-state',
    state,
  ]);
  if (set.ok) return state;
  if (approve) throw new Error(`the approval could not be set: ${set.stderr.trim().slice(0, 300)}`);
  return `${state} refused (${set.stderr.trim().slice(0, 200)})`;
}
