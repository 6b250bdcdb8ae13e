/** What the CLI reads from and writes to: the terminal by default, a fake in tests. */
import { createInterface } from 'node:readline/promises';
import type { Verify } from '../../lambdas/domain/contract.ts';
import type { SessionOptions } from '../../lambdas/organization-session.ts';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal that takes colours. */
  color: boolean;
  now(): Date;
  /** Whether a person can answer a prompt (standard input is a terminal). */
  interactive: boolean;
  /** Asks a question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
  /** The organization session's options for live commands; tests inject a client pointed at the emulator. */
  live?: (options: LiveFlags) => SessionOptions;
}

/** The flags of the commands that call AWS (options.ts, `liveSession`). */
export interface LiveFlags {
  region: string;
  roleArn?: string | undefined;
  pace: 'published' | 'none';
  /** plan and apply: how much AWS confirms (absent for snapshot, which plans nothing). */
  verify?: Verify | undefined;
}

export const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  now: () => new Date(),
  interactive: Boolean(process.stdin.isTTY),
  ask: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};
