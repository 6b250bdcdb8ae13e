/**
 * The GitHub pieces: action.yml and examples/github/pull-request.yml parsed by GitHub's own parser and
 * schemas (@actions/workflow-parser, from actions/languageservices), and scripts/github-comment.ts against
 * a local stand-in for the GitHub REST API: one comment per pull request, created once, then updated.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MARKER, upsertComment } from '../../scripts/github-comment.ts';

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
      'github-token',
    ]);
    expect(action.inputs.snapshot.required).toBe(true);
  });
});

describe('scripts/github-comment.ts', () => {
  interface Comment {
    id: number;
    body: string;
  }
  const comments: Comment[] = [];
  const requests: string[] = [];
  let server: Server;
  let api = '';

  async function bodyOf(request: IncomingMessage): Promise<{ body: string }> {
    let text = '';
    for await (const chunk of request) text += chunk;
    return JSON.parse(text);
  }

  beforeAll(async () => {
    // 120 comments by others first: ours must be found on the second page.
    for (let i = 1; i <= 120; i++) comments.push({ id: i, body: `comment ${i}` });
    server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(`${request.method} ${url.pathname}${url.search} ${request.headers.authorization}`);
      response.setHeader('content-type', 'application/json');
      if (request.method === 'GET' && url.pathname === '/repos/octo-org/config/issues/7/comments') {
        const page = Number(url.searchParams.get('page'));
        return response.end(JSON.stringify(comments.slice((page - 1) * 100, page * 100)));
      }
      if (request.method === 'POST' && url.pathname === '/repos/octo-org/config/issues/7/comments') {
        const comment = { id: 1000 + comments.length, body: (await bodyOf(request)).body };
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

  it('creates one comment, then updates it after the next push', async () => {
    const target = { api, repository: 'octo-org/config', pullRequest: 7, token: 'ghs_test' };
    expect(await upsertComment(target, '## first')).toBe('created');
    expect(await upsertComment(target, '## second')).toBe('updated');
    const ours = comments.filter((c) => c.body.includes(MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toBe(`## second\n${MARKER}\n`);
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual([
      `PATCH /repos/octo-org/config/issues/comments/${ours[0]?.id} Bearer ghs_test`,
    ]);
    expect(requests.every((r) => r.endsWith('Bearer ghs_test'))).toBe(true);
  });

  it('a refused call is an error naming the call and its status', async () => {
    const target = { api, repository: 'octo-org/other', pullRequest: 7, token: 't' };
    await expect(upsertComment(target, 'x')).rejects.toThrow(
      /^GET http:\/\/127\.0\.0\.1:\d+\/repos\/octo-org\/other\/issues\/7\/comments\?per_page=100&page=1 answered 404/,
    );
  });
});
