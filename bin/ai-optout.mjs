#!/usr/bin/env node
// The `ai-optout` command from source, in the repository (npm run ai-optout, npm run demo, the tests):
// registers tsx, then runs bin/cli/run.ts. The installed package runs the compiled dist/bin/cli/run.js.
import { register } from 'tsx/esm/api';

register();
await import('./cli/run.ts');
