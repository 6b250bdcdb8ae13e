#!/usr/bin/env node
// The `ai-optout` command (the package's bin). In the installed package it runs the compiled CLI,
// dist/cli/run.js. In a checkout of the repository, where the TypeScript sources are, it runs them
// through tsx (a devDependency), so `npx ai-optout`, `npm run demo` and the tests there never run a
// stale build.
import { existsSync } from 'node:fs';

const source = new URL('./cli/run.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/run.js');
}
