#!/usr/bin/env node
/**
 * The `ai-optout` process: runs the CLI on its arguments and exits with the CLI's code. The package's
 * `bin` is this file compiled (dist/bin/cli/run.js); in the repository bin/ai-optout.mjs runs it from
 * source through tsx.
 */

// The SDK warns on every run that its 2027 releases will need Node 22; the CLI supports Node 20.19+.
// Set before the CLI (and any SDK module it loads later) is imported.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
