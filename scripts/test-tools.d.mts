/** Types of scripts/test-tools.mjs (plain JavaScript, so that it runs before `npm ci`). */
export declare const PINNED: { moto: string; cfnLint: string };
export declare const PIP_PACKAGES: string[];
export declare class ToolError extends Error {}
export interface ToolPaths {
  MOTO_SERVER: string;
  CFN_LINT: string;
  CHROMIUM: string;
}
export type Run = (command: string, args: string[], options: { env: NodeJS.ProcessEnv }) => void;
export declare function provisionTestTools(options?: {
  env?: NodeJS.ProcessEnv;
  root?: string;
  uid?: number;
  run?: Run;
  log?: (line: string) => void;
}): ToolPaths;
