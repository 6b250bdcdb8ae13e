/**
 * Checks of the declared policies a schema cannot express: names unique in the file, something set,
 * service keys AWS knows, targets (target-checks.ts), and the rendered document within AWS's size.
 */
import type { SourceLocation } from '../diagnostics.ts';
import { echo } from '../echo.ts';
import { MAX_POLICY_DOCUMENT_CHARS } from '../model.ts';
import { documentTooLong, renderPolicyDocument } from '../policy-document.ts';
import {
  isKnownServiceKey,
  KNOWN_SERVICE_KEYS,
  SERVICE_KEY_PATTERN,
  SERVICE_KEYS_AS_OF,
} from '../service-keys.ts';
import { didYouMean } from '../suggest.ts';
import { addDiagnostic, addError, type CheckContext } from './check-context.ts';
import { type Path, show } from './locator.ts';
import type { DesiredStateDocument } from './schema.ts';
import { checkTargets, type PoliciesByTarget } from './target-checks.ts';
import { DEFAULT_POLICY_DESCRIPTION, type DesiredPolicy } from './types.ts';

type RawPolicy = DesiredStateDocument['policies'][number];

export function checkPolicies(ctx: CheckContext, raws: readonly RawPolicy[]): DesiredPolicy[] {
  const firstByName = new Map<string, number>();
  const byTarget: PoliciesByTarget = new Map();
  return raws.map((raw, index) => {
    const previous = firstByName.get(raw.name);
    if (previous === undefined) firstByName.set(raw.name, index);
    else duplicateName(ctx, index, raw.name, previous);
    return checkPolicy(ctx, raw, index, byTarget);
  });
}

function duplicateName(ctx: CheckContext, index: number, name: string, previous: number): void {
  const first = ctx.locate.value(['policies', previous, 'name']);
  addError(
    ctx,
    'duplicate-policy-name',
    ctx.locate.value(['policies', index, 'name']),
    `policies[${index}].name: duplicate policy name ${show(name)} (first declared at line ${first.line})`,
    'policy names are unique in an organization; rename one',
  );
}

function checkPolicy(
  ctx: CheckContext,
  raw: RawPolicy,
  index: number,
  byTarget: PoliciesByTarget,
): DesiredPolicy {
  const { name } = raw;
  const path: Path = ['policies', index];
  const services = raw.services ?? {};
  const label = `policies[${index}] (${name})`;
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
    checkServiceKey(ctx, key, ctx.locate.key([...path, 'services'], key), `policies[${index}].services`);
  }
  const targets = checkTargets(ctx, path, name, raw.targets, byTarget);
  const content = renderPolicyDocument({ default: raw.default, services, lock: raw.lock });
  if (documentTooLong(content)) {
    addError(
      ctx,
      'document-too-long',
      ctx.locate.key(path, 'name'),
      `${label}: the rendered document has ${content.length} characters, more than the ${MAX_POLICY_DOCUMENT_CHARS} AWS allows`,
      'split the services over two policies, or rely on `default` for most of them',
    );
  }
  return {
    name,
    description: raw.description ?? DEFAULT_POLICY_DESCRIPTION,
    default: raw.default,
    services,
    lock: raw.lock,
    adopt: raw.adopt,
    targets,
    content,
    location: ctx.locate.value([...path, 'name']),
  };
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
