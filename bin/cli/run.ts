#!/usr/bin/env node
/**
 * The `ai-optout` process: runs the CLI on its arguments and exits with the CLI's code. bin/ai-optout.mjs
 * (the package's bin) runs this file bundled and compiled (dist/cli/run.js, scripts/build.ts) in the
 * installed package, and from source through tsx in the repository.
 */

// The SDK warns on every run that its 2027 releases will need Node 22; the CLI supports Node 20.19+.
// Set before the CLI (and any SDK module it loads later) is imported.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
