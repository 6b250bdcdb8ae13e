/**
 * The pull-request check, for every host (docs/pull-requests.md): CodeBuild runs it (the PullRequestCheck
 * construct, examples/codebuild/buildspec.yml), and so does the GitHub action (action.yml). It runs
 * compiled, from the installed package (`node <tool>/node_modules/ai-optout/dist/cli/pull-request-check.js`,
 * in the checkout under review): the CLI runs in this process, so nothing of the checkout (a tsconfig.json,
 * a package.json, an .npmrc, a node_modules, a loader) takes part in what code runs.
 *
 * It plans the head's desired state against the published snapshot and the base's desired state, writes
 * the reports (ai-optout.{json,md,xml,sarif}, comment.md) to a fresh report folder, and decides: pass,
 * review (a person must approve it) or fail. For a CodeCommit pull request it posts the comment and
 * approves only a pass (otherwise it revokes). Under GitHub Actions it prints annotations, with the
 * runner's command processing stopped around everything else it prints (names from the organization and
 * the pull request could otherwise be read as workflow commands).
 *
 * Environment: SNAPSHOT_URL (required; s3://bucket/key or a file), CONFIG_PATH (default ai-optout.yaml),
 * REPORT_DIR (default reports; emptied first). The base: BASE_CONFIG (a file), or for CodeCommit,
 * REPOSITORY_NAME and DESTINATION_COMMIT (read with codecommit:GetFile). CodeCommit's comment and
 * approval: PULL_REQUEST_ID, SOURCE_COMMIT, DESTINATION_COMMIT, REVISION_ID (the PullRequestCheck rule
 * passes them from the event). Exit 0 pass, 1 fail, 3 review.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeTextLines } from '../../lambdas/domain/report/escape.ts';
import { type Report, ReportSchema } from '../../lambdas/domain/report/schema.ts';
import { isS3Url } from '../../lambdas/domain/s3-url.ts';
import type { CliIo } from '../cli/io.ts';
import { defaultIo } from '../cli/io.ts';
import { main as cli } from '../cli/main.ts';
import { CheckoutError, freshReportFolder, insideCheckout, refuseLinkedPath } from './checkout.ts';
import {
  baseFromCodeCommit,
  CODECOMMIT_COMMENT_LIMIT,
  type CodeCommitPullRequest,
  postComment,
  setApproval,
} from './codecommit.ts';
import { type CheckOutcome, commentBody, cutComment, outcomeLine, outcomeOf } from './verdict.ts';

export const EXIT = { pass: 0, fail: 1, review: 3 } as const;

interface CheckSettings {
  config: string;
  snapshot: string;
  reportDir: string;
  baseConfig: string | undefined;
  codecommit: Partial<CodeCommitPullRequest>;
  github: boolean;
}

function settingsFrom(env: NodeJS.ProcessEnv): CheckSettings {
  const snapshot = env.SNAPSHOT_URL;
  if (!snapshot)
    throw new CheckoutError(
      'SNAPSHOT_URL is not set: set it to the published snapshot, s3://<bucket>/ai-optout/snapshots/latest.json (the stack output SnapshotUrl)',
    );
  return {
    config: env.CONFIG_PATH || 'ai-optout.yaml',
    snapshot,
    reportDir: env.REPORT_DIR || 'reports',
    baseConfig: env.BASE_CONFIG || undefined,
    codecommit: {
      repositoryName: env.REPOSITORY_NAME,
      pullRequestId: env.PULL_REQUEST_ID,
      sourceCommit: env.SOURCE_COMMIT,
      destinationCommit: env.DESTINATION_COMMIT,
      revisionId: env.REVISION_ID,
    },
    github: env.GITHUB_ACTIONS === 'true',
  };
}

/** The CLI in this process, its output kept: what a run said on standard error goes in the comment. */
async function plan(args: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const io: CliIo = {
    ...defaultIo,
    stdout: () => {},
    stderr: (text) => err.push(text),
    color: false,
    interactive: false,
  };
  const code = await cli(['node', 'ai-optout', 'plan', ...args], io);
  return { code, stderr: err.join('') };
}

/** The base's desired state: the file given, or the destination commit's on CodeCommit, or none. */
function baseOf(settings: CheckSettings, out: string, log: (line: string) => void): string | undefined {
  if (settings.baseConfig) return settings.baseConfig;
  const { repositoryName, destinationCommit } = settings.codecommit;
  if (!repositoryName || !destinationCommit) return undefined;
  const base = baseFromCodeCommit(repositoryName, destinationCommit, settings.config, out);
  if ('path' in base) return base.path;
  log(
    `No ${settings.config} at the base commit ${destinationCommit} (${base.missing}): planning the head alone.`,
  );
  return undefined;
}

/** Every report, one CLI run per format; the verdict comes from the JSON report and its run's exit code. */
async function runPlans(settings: CheckSettings, out: string, base: string | undefined) {
  const common = ['--config', settings.config, '--snapshot', settings.snapshot];
  if (base) common.push('--base-config', base);
  const json = await plan([...common, '--format', 'json', '--out', join(out, 'ai-optout.json')]);
  for (const [format, file] of [
    ['markdown', 'ai-optout.md'],
    ['junit', 'ai-optout.xml'],
    ['sarif', 'ai-optout.sarif'],
    ...(settings.github ? [['github', 'annotations.txt']] : []),
  ] as const)
    await plan([...common, '--format', format, '--out', join(out, file)]);
  const reportFile = join(out, 'ai-optout.json');
  const report: Report | undefined = existsSync(reportFile)
    ? ReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')))
    : undefined;
  return { outcome: outcomeOf(json.code, report), errors: json.stderr };
}

/**
 * The comment, in comment.md (GitHub's step posts it), and on CodeCommit with the approval: a revoke
 * before the comment (a comment that fails to post leaves no approval standing), an approval after it
 * (an approval always has its comment).
 */
function publish(
  settings: CheckSettings,
  out: string,
  outcome: CheckOutcome,
  errors: string,
  hadBase: boolean,
) {
  const markdownFile = join(out, 'ai-optout.md');
  const markdown = existsSync(markdownFile) ? readFileSync(markdownFile, 'utf8') : undefined;
  const body = commentBody(outcome, markdown, errors, hadBase);
  writeFileSync(join(out, 'comment.md'), body);
  const pr = settings.codecommit;
  if (!pr.pullRequestId) return [];
  const complete = pr as CodeCommitPullRequest;
  const cut = `${cutComment(body, CODECOMMIT_COMMENT_LIMIT, 'the build log and its report group')}\n<!-- ai-optout: ${outcome.verdict} -->\n`;
  writeFileSync(join(out, 'comment.codecommit.md'), cut);
  const pass = outcome.verdict === 'pass';
  const revoked = pass ? undefined : setApproval(complete, false);
  postComment(complete, join(out, 'comment.codecommit.md'), cut);
  return [`approval: ${revoked ?? setApproval(complete, true)}`];
}

/** Runs the check in `cwd` (the checkout under review); returns the exit code. */
export async function runCheck(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const say = (line: string) => process.stdout.write(`${escapeTextLines(line)}\n`);
  const resume = env.GITHUB_ACTIONS === 'true' ? stopWorkflowCommands() : undefined;
  let outcome: CheckOutcome = { verdict: 'fail', planExitCode: 1, violationsAdded: -1, reasons: [] };
  try {
    const settings = settingsFrom(env);
    const out = freshReportFolder(settings.reportDir, cwd);
    let errors = '';
    try {
      refuseLinkedPath(cwd, settings.config, 'The desired state');
      // A snapshot file in the repository is the pull request's to change: it must at least not be a link.
      if (!isS3Url(settings.snapshot) && insideCheckout(cwd, settings.snapshot))
        refuseLinkedPath(cwd, settings.snapshot, 'The snapshot');
      const base = baseOf(settings, out, say);
      const planned = await runPlans(settings, out, base);
      ({ outcome, errors } = planned);
      for (const line of publish(settings, out, outcome, errors, base !== undefined)) say(line);
    } catch (error) {
      if (!(error instanceof CheckoutError)) throw error;
      errors = `error: ${error.message}\n`;
      publish(settings, out, outcome, errors, true);
    }
    if (errors) process.stderr.write(escapeTextLines(errors));
    say(outcomeLine(outcome));
    if (resume) finishOnGithub(resume, env, out, outcome);
    return EXIT[outcome.verdict];
  } catch (error) {
    resume?.();
    process.stderr.write(`error: ${escapeTextLines((error as Error).message)}\n`);
    return EXIT.fail;
  }
}

/**
 * Stops the runner's workflow commands until the returned function resumes them [GH-WORKFLOW-COMMANDS]:
 * the token is random, so no text printed meanwhile can resume them.
 */
function stopWorkflowCommands(): () => void {
  const token = randomUUID();
  process.stdout.write(`::stop-commands::${token}\n`);
  let resumed = false;
  return () => {
    if (!resumed) process.stdout.write(`::${token}::\n`);
    resumed = true;
  };
}

/** Commands back on, then the annotations (escaped by the github format) and the step's outputs. */
function finishOnGithub(
  resume: () => void,
  env: NodeJS.ProcessEnv,
  out: string,
  outcome: CheckOutcome,
): void {
  resume();
  const annotations = join(out, 'annotations.txt');
  if (existsSync(annotations)) process.stdout.write(readFileSync(annotations, 'utf8'));
  if (env.GITHUB_OUTPUT)
    appendFileSync(
      env.GITHUB_OUTPUT,
      `verdict=${outcome.verdict}\nplan-exit-code=${outcome.planExitCode}\nreports=${out}\n`,
    );
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  // As bin/cli/run.ts: the SDK's Node-version notice is not for this tool's users.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runCheck();
}
