/** Writes config/ai-optout.schema.json from the zod schema (`npm run schema`); a test fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { desiredStateJsonSchema } from '../lambdas/domain/desired-state/schema.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../config/ai-optout.schema.json', import.meta.url));

export function schemaText(): string {
  return `${JSON.stringify(desiredStateJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
