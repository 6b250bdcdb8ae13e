/**
 * Whether this package's code runs compiled (dist/lib/*.js, as in the installed package) or as TypeScript
 * in this repository: the constructs then use the package's prebuilt code, or build it from source.
 * A module of its own, with no dependency, so that code which needs only this (lib/pull-request-tool.ts)
 * loads without aws-cdk-lib.
 */
import { fileURLToPath } from 'node:url';

export const COMPILED = fileURLToPath(import.meta.url).endsWith('.js');
