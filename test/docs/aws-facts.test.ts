/**
 * docs/aws-facts.md is the one table of the outside facts the code relies on: every id a comment cites
 * is a row, every row is cited, each row says its source and when it was checked, and no comment of the
 * shipped code points at a web page, an issue number or a "checked" date of its own instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CITATION = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]/g;

interface Row {
  id: string;
  fact: string;
  source: string;
  checked: string;
}

/** The table rows of docs/aws-facts.md (a row: `| ID | fact | source | date |`). */
function factRows(): Row[] {
  const text = readFileSync(join(ROOT, 'docs/aws-facts.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => /^\| [A-Z][A-Z0-9]*(-[A-Z0-9]+)+ \|/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1);
      const [id, fact, source, checked] = cells.map((cell) => cell.trim());
      return { id: id ?? '', fact: fact ?? '', source: source ?? '', checked: checked ?? '' };
    });
}

const SHIPPED = ['lambdas', 'lib', 'bin', 'scripts']
  .flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((name) =>
      join(folder, name).split('\\').join('/'),
    ),
  )
  .filter((file) => /\.(ts|mts|mjs)$/.test(file))
  .sort();

/** The comments of a source file, as TypeScript's parser finds them (strings and templates are not comments). */
function commentsIn(text: string, file = 'file.ts'): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const comments: string[] = [];
  const collect = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push(text.slice(range.pos, range.end));
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.getEnd()));
  return comments;
}

function citationsIn(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(CITATION)].map((match) => match[1] as string);
}

describe('docs/aws-facts.md: one checked table of the facts the code relies on', () => {
  const rows = factRows();

  it('has rows with unique ids, each with a fact, a source and the date it was checked', () => {
    expect(rows.length).toBeGreaterThan(40);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.fact.length, row.id).toBeGreaterThan(20);
      expect(row.source, row.id).toMatch(/https:\/\/|botocore|\.ts|@aws-sdk/);
      expect(row.checked, row.id).toMatch(/^20\d\d-\d\d-\d\d$/);
    }
  });

  it('every id the shipped code cites is a row, and every row is cited', () => {
    const cited = new Map<string, string[]>();
    for (const file of SHIPPED)
      for (const id of citationsIn(file)) cited.set(id, [...(cited.get(id) ?? []), file]);
    expect(cited.size).toBeGreaterThan(40);
    const ids = new Set(rows.map((r) => r.id));

    expect(
      [...cited].filter(([id]) => !ids.has(id)).map(([id, files]) => `${id} in ${files.join(', ')}`),
    ).toEqual([]);
    expect(rows.map((r) => r.id).filter((id) => !cited.has(id))).toEqual([]);
  });

  it('no comment of the shipped code points at a web page (a loopback address is an example), an issue number or a date it was checked', () => {
    const comments = SHIPPED.flatMap((file) =>
      commentsIn(readFileSync(join(ROOT, file), 'utf8'), file).map((comment) => ({ file, comment })),
    );
    expect(comments.length).toBeGreaterThan(500);
    expect(comments.some(({ comment }) => comment.includes('[ORG-THROTTLING-RATES]'))).toBe(true);

    const pointing = comments.filter(({ comment }) =>
      /https:\/\/|http:\/\/(?!127\.|localhost)|\bissue #?\d+|\bchecked( on)? 20\d\d-/i.test(comment),
    );

    expect(pointing.map(({ file, comment }) => `${file}: ${comment.slice(0, 120)}`)).toEqual([]);
  });

  it('reads comments, not strings: a URL in code is not a comment, one in a comment is', () => {
    const text = [
      '/** Header https://a.example */',
      "const u = 'https://b.example'; // see https://c.example",
      'const t = `// not a comment`;',
      'function f() {',
      '  /* inner */ return t;',
      '}',
    ].join('\n');

    expect(commentsIn(text)).toEqual([
      '/** Header https://a.example */',
      '// see https://c.example',
      '/* inner */',
    ]);
  });
});
