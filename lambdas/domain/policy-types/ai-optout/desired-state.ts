/**
 * AI opt-out's part of the desired state (docs/configuration.md): a policy entry's `default`, `services`
 * and `lock`, and the `expect` block, as zod schemas the file's schema is made of; and the checks of a
 * policy entry a schema cannot express (something set, service keys AWS knows, the rendered document
 * within AWS's size).
 */
import * as z from 'zod';
import type { CheckContext } from '../../desired-state/check-context.ts';
import { addDiagnostic, addError } from '../../desired-state/check-context.ts';
import { formatPath, type Path, show } from '../../desired-state/locator.ts';
import type { LocatedTarget } from '../../desired-state/types.ts';
import type { SourceLocation } from '../../diagnostics.ts';
import { echo } from '../../echo.ts';
import { didYouMean } from '../../suggest.ts';
import { documentTooLong, renderPolicyDocument } from './document.ts';
import { AI_OPT_OUT_FACTS } from './facts.ts';
import {
  isKnownServiceKey,
  KNOWN_SERVICE_KEYS,
  SERVICE_KEY_PATTERN,
  SERVICE_KEYS_AS_OF,
} from './service-keys.ts';
import { type Lock, LockSchema, type Setting, SettingSchema } from './settings.ts';

/** The keys of a policy entry that are AI opt-out's, in the order the JSON Schema lists them. */
export const POLICY_FIELDS = {
  default: SettingSchema.optional().meta({
    description: 'Setting for every AI service, including future ones.',
  }),
  services: z.record(z.string(), SettingSchema).optional().meta({
    description: 'Per-service settings: service key -> optOut | optIn. Explicit services beat default.',
  }),
  lock: LockSchema.default('all'),
};

export const ExceptionSchema = z.strictObject({
  ou: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  root: z.literal(true).optional(),
  services: z
    .array(z.string())
    .min(1)
    .meta({ description: 'Services that may be optIn for accounts at or below this target.' }),
});

export const ExpectSchema = z.strictObject({
  optOut: z.union([z.literal('all'), z.array(z.string()).min(1)]).meta({
    description:
      'all: every account has an effective default of optOut and no service opted in. ' +
      'A list of services: each must resolve to optOut for every account.',
  }),
  except: z.array(ExceptionSchema).optional(),
});

/** A declared policy's AI opt-out settings. */
export interface AiOptOutSettings {
  default: Setting | undefined;
  services: Readonly<Record<string, Setting>>;
  lock: Lock;
}

export interface ExpectException {
  target: LocatedTarget;
  services: string[];
}

export interface Expectation {
  /** `all`: effective default optOut and no service optIn; a list: each listed service resolves to optOut. */
  optOut: 'all' | string[];
  except: ExpectException[];
  location: SourceLocation;
}

/** A policy entry as the schema gives it: its AI opt-out keys. */
type RawSettings = {
  default?: Setting | undefined;
  services?: Record<string, Setting> | undefined;
  lock: Lock;
};

/** The checks of a policy entry's settings; its settings and rendered document. */
export function checkPolicySettings(
  ctx: CheckContext,
  raw: RawSettings,
  path: Path,
  label: string,
): { settings: AiOptOutSettings; content: string } {
  const services = raw.services ?? {};
  if (raw.default === undefined && Object.keys(services).length === 0) {
    addError(
      ctx,
      'empty-policy',
      ctx.locate.key(path, 'name'),
      `${label}: sets neither \`default\` nor any entry in \`services\``,
      'add `default: optOut` or at least one service',
    );
  }
  for (const key of Object.keys(services)) {
    checkServiceKey(ctx, key, ctx.locate.key([...path, 'services'], key), formatPath([...path, 'services']));
  }
  const content = renderPolicyDocument({ default: raw.default, services, lock: raw.lock });
  if (documentTooLong(content)) {
    addError(
      ctx,
      'document-too-long',
      ctx.locate.key(path, 'name'),
      `${label}: the rendered document has ${content.length} characters, more than the ${AI_OPT_OUT_FACTS.maxDocumentCharacters} AWS allows`,
      'split the services over two policies, or rely on `default` for most of them',
    );
  }
  return { settings: { default: raw.default, services, lock: raw.lock }, content };
}

/** A service key under `services` or in `expect`: not `default`, well-formed, and known (else a warning). */
export function checkServiceKey(
  ctx: CheckContext,
  key: string,
  location: SourceLocation,
  where: string,
): void {
  if (key === 'default') {
    const message = `${where}: \`default\` is not a service key here`;
    addError(ctx, 'default-under-services', location, message, "set it with the policy's own `default:` key");
    return;
  }
  if (!SERVICE_KEY_PATTERN.test(key)) {
    const lower = key.toLowerCase();
    addError(
      ctx,
      'invalid-service-key',
      location,
      `${where}: service key ${show(key)} is not valid; service keys are lower-case letters and digits, in parts joined by \`::\` (AWS matches them exactly)`,
      SERVICE_KEY_PATTERN.test(lower) ? `did you mean \`${echo(lower)}\`?` : undefined,
    );
    return;
  }
  if (isKnownServiceKey(key)) return;
  const hint =
    didYouMean(key, KNOWN_SERVICE_KEYS) ??
    `known keys as of ${SERVICE_KEYS_AS_OF}: ${KNOWN_SERVICE_KEYS.join(', ')}`;
  const severity = ctx.strict ? 'error' : 'warning';
  addDiagnostic(
    ctx,
    severity,
    'unknown-service-key',
    location,
    `${where}: service key ${show(key)} is not in the known list`,
    hint,
  );
}
