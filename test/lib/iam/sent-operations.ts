/**
 * The operations the runtime code sends to a service, found in the code itself (not a hand list that
 * can drift): every `XxxCommand` a file under lambdas/ imports from the service's SDK module (such as
 * '@aws-sdk/client-organizations') and instantiates with `new XxxCommand(`, or, in a file that loads the
 * module when first needed (`import('@aws-sdk/client-bedrock')`), instantiates as `new sdk.XxxCommand(`
 * from the loaded module; with the top-level members of the input it passes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SentOperation {
  /** The API operation, such as `ListRoots`. */
  operation: string;
  /** Input members passed in any call, such as `PolicyId`, `TargetId`, `Tags`. */
  parameters: string[];
  /** Files (relative to the project) that send it. */
  sentFrom: string[];
}

/** TypeScript files under `dir` (relative to the project), recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

/** Value imports (not `type` ones) from the SDK module that name a command class. */
function importedCommands(source: string, sdkModule: string): string[] {
  const pattern = new RegExp(
    `import\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*'${sdkModule.replace('/', '\\/')}'`,
    'g',
  );
  return [...source.matchAll(pattern)]
    .filter((m) => !m[1])
    .flatMap((m) => (m[2] as string).split(','))
    .map((name) => name.trim())
    .filter((name) => !name.startsWith('type ') && /^[A-Z]\w*Command$/.test(name));
}

/** Commands of a module the file loads with `import('<module>')`, as `new <module object>.XxxCommand(`. */
function loadedCommands(source: string, sdkModule: string): string[] {
  if (!source.includes(`import('${sdkModule}')`)) return [];
  return [...new Set([...source.matchAll(/new \w+\.([A-Z]\w*Command)\(/g)].map((m) => m[1] as string))];
}

/** The text between the parentheses that open at `start`. */
function argumentText(source: string, start: number): string {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    if (source[i] === '(') depth++;
    if (source[i] === ')' && --depth === 0) return source.slice(start + 1, i);
  }
  throw new Error(`unbalanced parentheses after offset ${start}`);
}

/** The keys at the top level of an object literal such as `{ PolicyId: id, NextToken }`. */
function topLevelKeys(objectText: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < objectText.length; i++) {
    const c = objectText[i] as string;
    if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    else if (depth === 1 && /[A-Za-z]/.test(c) && /[{,]\s*$/.test(objectText.slice(0, i))) {
      const key = /^[A-Za-z]\w*/.exec(objectText.slice(i))?.[0] as string;
      keys.push(key);
      i += key.length - 1;
    }
  }
  return keys;
}

export function sentOrganizationsOperations(dir = 'lambdas'): SentOperation[] {
  return sentOperations('@aws-sdk/client-organizations', dir);
}

export function sentOperations(sdkModule: string, dir = 'lambdas'): SentOperation[] {
  const found = new Map<string, { parameters: Set<string>; sentFrom: Set<string> }>();
  for (const file of sourceFiles(dir)) {
    const source = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    if (!source.includes(sdkModule)) continue;
    for (const command of [...importedCommands(source, sdkModule), ...loadedCommands(source, sdkModule)]) {
      for (const match of source.matchAll(new RegExp(`new (\\w+\\.)?${command}\\(`, 'g'))) {
        const operation = command.replace(/Command$/, '');
        const entry = found.get(operation) ?? { parameters: new Set(), sentFrom: new Set() };
        const start = (match.index as number) + match[0].length - 1;
        for (const key of topLevelKeys(argumentText(source, start))) entry.parameters.add(key);
        entry.sentFrom.add(relative(PROJECT_ROOT, join(PROJECT_ROOT, file)));
        found.set(operation, entry);
      }
    }
  }
  return [...found.entries()]
    .map(([operation, { parameters, sentFrom }]) => ({
      operation,
      parameters: [...parameters].sort(),
      sentFrom: [...sentFrom].sort(),
    }))
    .sort((a, b) => a.operation.localeCompare(b.operation));
}
