/** Checks of `expect` a schema cannot express: service keys, and one target per exception. */
import type * as z from 'zod';
import { addError, type CheckContext } from '../../desired-state/check-context.ts';
import { formatPath, type Path } from '../../desired-state/locator.ts';
import { toTargetRef } from '../../desired-state/target-checks.ts';
import type { TargetRef } from '../../model.ts';
import {
  checkServiceKey,
  type Expectation,
  type ExpectException,
  type ExpectSchema,
} from './desired-state.ts';

type RawExpect = z.output<typeof ExpectSchema>;
type RawException = NonNullable<RawExpect['except']>[number];

export function checkExpect(ctx: CheckContext, raw: RawExpect | undefined): Expectation | undefined {
  if (!raw) return undefined;
  if (Array.isArray(raw.optOut)) {
    raw.optOut.forEach((key, i) => {
      if (key !== 'default')
        checkServiceKey(ctx, key, ctx.locate.value(['expect', 'optOut', i]), 'expect.optOut');
    });
  }
  const except: ExpectException[] = [];
  (raw.except ?? []).forEach((exception, i) => {
    const checked = checkException(ctx, exception, ['expect', 'except', i]);
    if (checked) except.push(checked);
  });
  return { optOut: raw.optOut, except, location: ctx.locate.key([], 'expect') };
}

function checkException(ctx: CheckContext, raw: RawException, path: Path): ExpectException | undefined {
  const forms = [
    raw.root ? 'root' : undefined,
    raw.ou !== undefined ? 'ou' : undefined,
    raw.account !== undefined ? 'account' : undefined,
  ].filter(Boolean);
  if (forms.length !== 1) {
    addError(
      ctx,
      'invalid-exception',
      ctx.locate.value(path),
      `${formatPath(path)}: an exception names exactly one of \`root: true\`, \`ou:\` or \`account:\`${forms.length > 1 ? `, this one has ${forms.join(' and ')}` : ''}`,
    );
    return undefined;
  }
  raw.services.forEach((key, j) => {
    if (key !== 'default') {
      checkServiceKey(ctx, key, ctx.locate.value([...path, 'services', j]), `${formatPath(path)}.services`);
    }
  });
  const ref: TargetRef | undefined = raw.root
    ? { kind: 'root' }
    : raw.ou !== undefined
      ? { kind: 'ou', ref: raw.ou.trim() }
      : toTargetRef(ctx, { account: raw.account ?? '' }, path);
  return ref ? { target: { ref, location: ctx.locate.value(path) }, services: raw.services } : undefined;
}
