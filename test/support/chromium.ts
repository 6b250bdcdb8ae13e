/**
 * Headless Chromium (Debian's `chromium` package; `.ci/run` installs it) for tests that render a page:
 * a screenshot, and every message the page wrote to its console (Chromium logs each as
 * `INFO:CONSOLE:<line>] "<message>", source: <url>` on stderr with `--enable-logging=stderr`; script
 * errors and Content-Security-Policy refusals are console messages too). There is no skip: without
 * Chromium the test fails, saying how to install it.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CHROMIUM_INSTALL_HINT =
  'headless Chromium was not found: install it with `apt-get install -y chromium` (Debian), or set CHROMIUM to its path';

export function resolveChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CHROMIUM
    ? [env.CHROMIUM]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .flatMap((dir) => ['chromium', 'chromium-browser'].map((name) => join(dir, name)));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(CHROMIUM_INSTALL_HINT);
}

export interface Rendered {
  /** The page's console messages, in order. */
  console: string[];
}

/** Opens `file` in headless Chromium at `width`×`height` and writes a PNG screenshot to `screenshot`. */
export function renderPage(
  file: string,
  screenshot: string,
  size: { width: number; height: number },
): Promise<Rendered> {
  const args = [
    '--headless',
    '--disable-gpu',
    '--hide-scrollbars',
    '--no-first-run',
    '--enable-logging=stderr',
    '--v=0',
    `--window-size=${size.width},${size.height}`,
    `--screenshot=${screenshot}`,
    // Chromium's sandbox refuses to start as root (CI containers run as root).
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(resolveChromium(), args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`chromium failed: ${error.message}\n${stderr}`));
      const console = stderr
        .split('\n')
        .filter((line) => line.includes(':CONSOLE'))
        .map((line) => line.replace(/^.*?:CONSOLE(?::\d+|\(\d+\))\] /, ''));
      resolve({ console });
    });
  });
}
