/**
 * The GitHub pieces: action.yml and examples/github/pull-request.yml parsed by GitHub's own parser and
 * schemas (@actions/workflow-parser, from actions/languageservices), what the action runs (compiled code
 * of its own install, never the checkout's), and bin/pull-request/github-comment.ts against a local
 * stand-in for the GitHub REST and GraphQL APIs: one comment per pull request, created once, then updated,
 * and never a comment someone else wrote, marker or not.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MARKER, upsertComment } from '../../bin/pull-request/github-comment.ts';

const ACTION = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
const WORKFLOW = readFileSync(new URL('../../examples/github/pull-request.yml', import.meta.url), 'utf8');

function errorsOf(result: { context: { errors: { getErrors(): { message: string }[] } } }): string[] {
  return result.context.errors.getErrors().map((e) => e.message);
}

describe("action.yml and the example workflow, by GitHub's parser", () => {
  it('both parse with no error', () => {
    const trace = new NoOperationTraceWriter();
    expect(errorsOf(parseAction({ name: 'action.yml', content: ACTION }, trace))).toEqual([]);
    expect(errorsOf(parseWorkflow({ name: 'pull-request.yml', content: WORKFLOW }, trace))).toEqual([]);
  });

  it('the parser does find mistakes (a misspelt shell, a misspelt runs-on)', () => {
    const trace = new NoOperationTraceWriter();
    const badAction = ACTION.replace(
      'shell: bash\n      working-directory',
      'shel: bash\n      working-directory',
    );
    expect(errorsOf(parseAction({ name: 'action.yml', content: badAction }, trace)).join('\n')).toMatch(
      /shel/,
    );
    const badWorkflow = WORKFLOW.replace('runs-on:', 'run-on:');
    expect(
      errorsOf(parseWorkflow({ name: 'pull-request.yml', content: badWorkflow }, trace)).join('\n'),
    ).toMatch(/run-on/);
  });

  it('pins every action it uses to a full commit, and the workflow grants what the steps need', () => {
    const uses = [...ACTION.matchAll(/uses: (\S+)/g), ...WORKFLOW.matchAll(/uses: (\S+)/g)].map(
      (m) => m[1] as string,
    );
    expect(uses.length).toBe(5);
    for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const workflow = parse(WORKFLOW);
    expect(workflow.on).toEqual({ pull_request: { paths: ['ai-optout.yaml'] } });
    expect(workflow.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      'pull-requests': 'write',
      issues: 'write',
      'security-events': 'write',
    });
    expect(workflow.jobs.plan.environment).toBeUndefined();
    const action = parse(ACTION);
    expect(Object.keys(action.inputs)).toEqual([
      'config',
      'base-ref',
      'snapshot',
      'role-to-assume',
      'aws-region',
      'comment',
      'upload-sarif',
      'fail-on-review',
      'github-token',
    ]);
    expect(action.inputs.snapshot.required).toBe(true);
    expect(action.inputs['fail-on-review'].default).toBe('true');
  });

  it('runs compiled code of its own install with node, and no expression inside a script', () => {
    const steps = parse(ACTION).runs.steps as {
      name: string;
      run?: string;
      with?: Record<string, unknown>;
    }[];
    const scripts = steps.filter((s) => s.run).map((s) => s.run as string);
    expect(scripts.length).toBeGreaterThan(0);
    // Values reach scripts through env, never pasted into the script text
    for (const script of scripts) expect(script).not.toContain('${{');
    const all = scripts.join('\n');
    expect(all).not.toMatch(/tsx|\.ts\b|scripts\//);
    expect(all).toContain('node "$AI_OPTOUT_TOOL/node_modules/ai-optout/dist/cli/pull-request-check.js"');
    expect(all).toContain(
      'node "$AI_OPTOUT_TOOL/node_modules/ai-optout/dist/cli/github-comment.js" "$comment"',
    );
    expect(steps[0]?.with).toMatchObject({ 'package-manager-cache': false });
    const build = steps.find((s) => s.name.startsWith('Build ai-optout'));
    // The action's own folder, pinned to a commit of this repository; never the checkout under review
    expect(build?.['working-directory' as keyof typeof build]).toBe(`\${{ github.action_path }}`);
  });
});

describe('bin/pull-request/github-comment.ts', () => {
  interface Comment {
    id: number;
    body: string;
    user: { login: string };
  }
  const BOT = 'github-actions[bot]';
  const comments: Comment[] = [];
  const requests: string[] = [];
  let server: Server;
  let api = '';

  async function bodyOf(request: IncomingMessage): Promise<{ body: string; query?: string }> {
    let text = '';
    for await (const chunk of request) text += chunk;
    return JSON.parse(text);
  }

  beforeAll(async () => {
    // 120 comments by others first, one of them carrying our marker: ours must be found on the second page.
    for (let i = 1; i <= 120; i++)
      comments.push({
        id: i,
        body: i === 50 ? `fake verdict: all clear\n${MARKER}\n` : `comment ${i}`,
        user: { login: `person-${i}` },
      });
    server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(`${request.method} ${url.pathname}${url.search} ${request.headers.authorization}`);
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST' && url.pathname === '/graphql') {
        const { query } = await bodyOf(request);
        return response.end(
          JSON.stringify(query === '{ viewer { login } }' ? { data: { viewer: { login: BOT } } } : {}),
        );
      }
      if (request.method === 'GET' && url.pathname === '/repos/octo-org/config/issues/7/comments') {
        const page = Number(url.searchParams.get('page'));
        return response.end(JSON.stringify(comments.slice((page - 1) * 100, page * 100)));
      }
      if (request.method === 'POST' && url.pathname === '/repos/octo-org/config/issues/7/comments') {
        const comment = {
          id: 1000 + comments.length,
          body: (await bodyOf(request)).body,
          user: { login: BOT },
        };
        comments.push(comment);
        response.statusCode = 201;
        return response.end(JSON.stringify(comment));
      }
      const patch = /^\/repos\/octo-org\/config\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (request.method === 'PATCH' && patch) {
        const comment = comments.find((c) => c.id === Number(patch[1])) as Comment;
        comment.body = (await bodyOf(request)).body;
        return response.end(JSON.stringify(comment));
      }
      response.statusCode = 404;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('creates one comment, then updates it after the next push; a marker in someone else’s comment is left alone', async () => {
    const target = { api, repository: 'octo-org/config', pullRequest: 7, token: 'ghs_test' };

    expect(await upsertComment(target, '## first')).toBe('created');
    expect(await upsertComment(target, '## second')).toBe('updated');

    const ours = comments.filter((c) => c.user.login === BOT);
    expect(ours.map((c) => c.body)).toEqual([`## second\n${MARKER}\n`]);
    expect(comments.find((c) => c.id === 50)?.body).toBe(`fake verdict: all clear\n${MARKER}\n`);
    expect(requests.filter((r) => r.startsWith('POST /repos'))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual([
      `PATCH /repos/octo-org/config/issues/comments/${ours[0]?.id} Bearer ghs_test`,
    ]);
    expect(requests.filter((r) => r.startsWith('POST /graphql'))).toHaveLength(2);
    expect(requests.every((r) => r.endsWith('Bearer ghs_test'))).toBe(true);
  });

  it('a refused call is an error naming the call and its status', async () => {
    const target = { api, repository: 'octo-org/other', pullRequest: 7, token: 't' };
    await expect(upsertComment(target, 'x')).rejects.toThrow(
      /^GET http:\/\/127\.0\.0\.1:\d+\/repos\/octo-org\/other\/issues\/7\/comments\?per_page=100&page=1 answered 404/,
    );
  });

  it('posts nothing when GitHub does not say whose token it is', async () => {
    const before = comments.length;
    const target = {
      api,
      graphql: `${api}/nowhere`,
      repository: 'octo-org/config',
      pullRequest: 7,
      token: 't',
    };
    await expect(upsertComment(target, 'x')).rejects.toThrow(/answered 404/);
    expect(comments.length).toBe(before);
  });
});
