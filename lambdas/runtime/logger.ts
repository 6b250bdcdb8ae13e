/**
 * Structured JSON logs (pino), shared by every function: one child logger per job, credentials redacted
 * wherever they appear. `LOG_LEVEL` (optional, no construct sets it) chooses the level, default `info`.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * The redaction paths: every credential field at any depth up to five levels, so that even a whole
 * CodePipeline event logged by mistake (`{ event }` puts `artifactCredentials` four levels down:
 * `event["CodePipeline.job"].data.artifactCredentials`) shows no secret. pino's wildcards match one
 * level each, so each depth is listed.
 */
const SECRET_KEYS = ['artifactCredentials', 'credentials', 'secretAccessKey', 'sessionToken', 'accessKeyId'];
const REDACTED_PATHS = SECRET_KEYS.flatMap((key) =>
  [0, 1, 2, 3, 4].map((depth) => `${'*.'.repeat(depth)}${key}`),
);

export function createLogger(
  destination?: DestinationStream,
  level = process.env.LOG_LEVEL ?? 'info',
): Logger {
  return pino(
    {
      level,
      base: { service: 'ai-optout' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
