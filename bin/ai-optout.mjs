#!/usr/bin/env node
// Entry point of the `ai-optout` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that its 2027 releases will need Node 22; the CLI supports Node 20.19+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv);
