/** The real CLI (`main`) in this process, its output captured, its clock fixed, Organizations optionally injected. */
import type { CliIo } from '../../bin/cli/io.ts';
import { main } from '../../bin/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: { now: Date; live?: CliIo['live'] },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    color: false,
    now: () => options.now,
    interactive: false,
    ask: async () => '',
    ...(options.live ? { live: options.live } : {}),
  };
  const code = await main(['node', 'ai-optout', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
