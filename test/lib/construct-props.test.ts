/**
 * The constructs' props follow the CDK convention: every optional prop of every `…Props` interface in
 * lib/ says its default in an `@default` tag (what the construct does when the prop is left out), read
 * with TypeScript's own parser. The tests of each construct assert those defaults.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../../lib/', import.meta.url));

/** `Interface.prop` for each optional prop of a `…Props` interface (or one its props type nests) in `text` without `@default`. */
function undocumentedDefaults(text: string, file: string): { props: string[]; missing: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const props: string[] = [];
  const missing: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && /(Props|Source|Checks)$/.test(node.name.text)) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.questionToken) continue;
        const name = `${node.name.text}.${member.name.getText(source)}`;
        props.push(name);
        const tags = ts.getJSDocTags(member).map((tag) => tag.tagName.text);
        if (!tags.includes('default')) missing.push(name);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { props, missing };
}

describe('construct props', () => {
  it('every optional prop says its default with @default', () => {
    const files = readdirSync(LIB).filter((name) => name.endsWith('.ts'));
    const found = files.map((name) => undocumentedDefaults(readFileSync(join(LIB, name), 'utf8'), name));
    const props = found.flatMap((f) => f.props);

    expect(props).toEqual(
      expect.arrayContaining([
        'PostLzaPipelineProps.source',
        'ReconcileStageProps.failOn',
        'ReconcilerFunctionProps.timeout',
        'LzaS3ConfigSource.keyArn',
      ]),
    );
    expect(found.flatMap((f) => f.missing)).toEqual([]);
  });

  it('the check finds a prop without one', () => {
    const text =
      'export interface XProps {\n  /** documented */\n  readonly a?: string;\n  /** @default 1 */\n  readonly b?: number;\n}';
    expect(undocumentedDefaults(text, 'x.ts')).toEqual({
      props: ['XProps.a', 'XProps.b'],
      missing: ['XProps.a'],
    });
  });
});
