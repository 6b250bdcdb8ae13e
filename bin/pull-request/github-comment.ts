/**
 * One comment per pull request on GitHub, created the first time and updated after every push. The
 * comment that holds MARKER and was written by this token's own user is ours: anyone can paste the
 * marker into a comment of their own, and the check must not edit, nor hide its verdict behind, that.
 * Pull-request comments are issue comments [GH-PULL-REQUEST-COMMENTS]: GET and POST
 * /repos/{owner}/{repo}/issues/{number}/comments, PATCH /repos/{owner}/{repo}/issues/comments/{id}.
 * The token's user comes from GraphQL's `viewer`, which answers for a person's token and for an installation token such as the workflow's GITHUB_TOKEN
 * (`github-actions[bot]`), where REST's GET /user is refused.
 *
 * Run by action.yml, compiled (dist/cli/github-comment.js of the installed package):
 * `node …/github-comment.js <comment.md>`, with GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL,
 * GITHUB_GRAPHQL_URL and GITHUB_EVENT_PATH (the pull_request event) from the runner.
 */
import { readFileSync } from 'node:fs';

export const MARKER = '<!-- ai-optout pull-request check -->';
/** GitHub refuses comment bodies over 65,536 characters [GH-PULL-REQUEST-COMMENTS]. */
const MAX_BODY = 65_000;

export interface CommentTarget {
  api: string;
  /** GitHub's GraphQL endpoint (GITHUB_GRAPHQL_URL; `${api}/graphql` on github.com). */
  graphql?: string;
  /** owner/name */
  repository: string;
  pullRequest: number;
  token: string;
}

function headers(token: string): Record<string, string> {
  return {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': '2022-11-28',
    'content-type': 'application/json',
  };
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
    );
  }
  return response.json();
}

/** The login of the token's own user: `github-actions[bot]` for the workflow's token. */
export async function tokenLogin(target: CommentTarget): Promise<string> {
  const answer = (await call(target.graphql ?? `${target.api}/graphql`, {
    method: 'POST',
    headers: headers(target.token),
    body: JSON.stringify({ query: '{ viewer { login } }' }),
  })) as { data?: { viewer?: { login?: string } } };
  const login = answer.data?.viewer?.login;
  if (!login)
    throw new Error('GitHub did not say whose token this is (GraphQL viewer): the comment is not posted');
  return login;
}

/** The id of our comment on the pull request (the marker, by the token's user), if there is one (100 a page). */
async function findComment(target: CommentTarget, login: string): Promise<number | undefined> {
  for (let page = 1; ; page++) {
    const url = `${target.api}/repos/${target.repository}/issues/${target.pullRequest}/comments?per_page=100&page=${page}`;
    const comments = (await call(url, { headers: headers(target.token) })) as {
      id: number;
      body?: string;
      user?: { login?: string } | null;
    }[];
    const ours = comments.find((c) => c.user?.login === login && c.body?.includes(MARKER));
    if (ours) return ours.id;
    if (comments.length < 100) return undefined;
  }
}

/** Creates our comment, or updates it; says which. */
export async function upsertComment(target: CommentTarget, markdown: string): Promise<'created' | 'updated'> {
  const text =
    markdown.length > MAX_BODY
      ? `${markdown.slice(0, MAX_BODY)}\n\n… (cut; the job log has the full report)\n`
      : markdown;
  const body = JSON.stringify({ body: `${text}\n${MARKER}\n` });
  const id = await findComment(target, await tokenLogin(target));
  const base = `${target.api}/repos/${target.repository}/issues`;
  if (id === undefined) {
    await call(`${base}/${target.pullRequest}/comments`, {
      method: 'POST',
      headers: headers(target.token),
      body,
    });
    return 'created';
  }
  await call(`${base}/comments/${id}`, { method: 'PATCH', headers: headers(target.token), body });
  return 'updated';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this in a GitHub Actions pull_request workflow`);
  return value;
}

async function main(file: string): Promise<void> {
  const event = JSON.parse(readFileSync(required('GITHUB_EVENT_PATH'), 'utf8')) as {
    pull_request?: { number?: number };
  };
  const pullRequest = event.pull_request?.number;
  if (!pullRequest)
    throw new Error('the event is not a pull request: the comment goes on pull requests only');
  const api = process.env.GITHUB_API_URL || 'https://api.github.com';
  const target = {
    api,
    graphql: process.env.GITHUB_GRAPHQL_URL || `${api}/graphql`,
    repository: required('GITHUB_REPOSITORY'),
    pullRequest,
    token: required('GITHUB_TOKEN'),
  };
  const done = await upsertComment(target, readFileSync(file, 'utf8'));
  console.log(`ai-optout: comment ${done} on pull request #${pullRequest}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv[2] ?? 'reports/comment.md').catch((error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  });
}
