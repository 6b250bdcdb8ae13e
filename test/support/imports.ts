/**
 * The imports of a TypeScript source, read with TypeScript's own parser (comments and strings are not
 * imports): static, type-only, re-exports, side-effect and dynamic `import()`. For the tests that
 * check what may import what (test/lambdas/layers.test.ts, test/bin/cli/structure.test.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Import {
  specifier: string;
  /** `import type …` / `export type …`: erased, never loaded. (`import { type A }` is loaded: verbatimModuleSyntax keeps it.) */
  typeOnly: boolean;
  /** `import('…')`: loaded when the code that calls it runs. */
  dynamic: boolean;
}

export function importsOf(text: string, fileName = 'file.ts'): Import[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? Boolean(node.importClause?.isTypeOnly)
        : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as a path relative to `root`; a package or builtin as written. */
export function resolveImport(root: string, file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(root, resolve(root, dirname(file), specifier))
    .split('\\')
    .join('/');
}

/**
 * Every package and builtin that loading `entry` loads at once: its static, non-type imports followed
 * through the repository's own files (dynamic imports are not followed: they load later, if ever).
 */
export function packagesLoadedBy(root: string, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { specifier, typeOnly, dynamic } of importsOf(readFileSync(join(root, file), 'utf8'), file)) {
      if (typeOnly || dynamic) continue;
      const target = resolveImport(root, file, specifier);
      if (specifier.startsWith('.')) pending.push(target);
      else packages.add(target);
    }
  }
  return packages;
}
