/**
 * The job's result rules as tables (lambdas/pipeline-job/result.ts): what each `failOn` fails, what
 * apply's convergence does to it, the headline, the output variables, and the text fitted to
 * CodePipeline's limits at the limit and one character either side. The plans are the example desired
 * state planned against the example organization (test/support/example-plan.ts), cut to each case.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedStep } from '../../../lambdas/adapters/organizations/applier.ts';
import type { FailOn } from '../../../lambdas/domain/contract.ts';
import {
  ConfigurationError,
  DeadlineError,
  PermissionError,
  ServiceUnavailableError,
} from '../../../lambdas/domain/errors.ts';
import type { Plan } from '../../../lambdas/domain/planner.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import type { ApplyResult } from '../../../lambdas/organization-session.ts';
import {
  decideResult,
  detailLines,
  FAILS_ON,
  failureResult,
  fitLines,
  headline,
  MESSAGE_LIMIT,
  outputVariables,
  SUMMARY_LIMIT,
} from '../../../lambdas/pipeline-job/result.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import { examplePlan } from '../../support/example-plan.ts';
import { logSink } from './pipeline-fixtures.ts';

const drifting = examplePlan();
/** The example's plan, cut to each kind of result the verdict rules tell apart. */
const PLANS: Record<string, Plan> = {
  'in sync': {
    ...drifting,
    verdict: 'in-sync',
    summary: 'in-sync: 18 accounts match the desired state and expect',
    changes: [],
    violations: [],
    effectiveChanges: [],
    warnings: [],
  },
  'drift without violations': { ...drifting, violations: [] },
  'violations without changes': { ...drifting, changes: [] },
  'drift with violations': drifting,
};

function applied(plan: Plan, converged: boolean, done = 3): ApplyResult {
  const step = (outcome: AppliedStep['outcome']): AppliedStep => ({
    action: 'attach-policy',
    outcome,
    detail: 'attach',
  });
  const steps = [...Array.from({ length: done }, () => step('done')), step('already-done')];
  return {
    before: drifting,
    steps,
    after: plan,
    snapshot: {} as never,
    converged,
    rereads: 1,
    verifyReads: 1,
  };
}

describe('result: failOn × what the run found', () => {
  // failOn:               drift      violations   never
  const table: [string, Record<FailOn, 'success' | 'JobFailed'>][] = [
    ['in sync', { drift: 'success', violations: 'success', never: 'success' }],
    ['drift without violations', { drift: 'JobFailed', violations: 'success', never: 'success' }],
    ['violations without changes', { drift: 'JobFailed', violations: 'JobFailed', never: 'success' }],
    ['drift with violations', { drift: 'JobFailed', violations: 'JobFailed', never: 'success' }],
  ];

  it.each(
    table.flatMap(([name, row]) => (Object.keys(row) as FailOn[]).map((f) => [name, f, row[f]] as const)),
  )('%s, failOn %s: %s', (name, failOn, expected) => {
    const result = decideResult({
      result: PLANS[name] as Plan,
      applied: undefined,
      mode: 'audit',
      failOn,
      revision: undefined,
      policyTypes: [AI_POLICY_TYPE],
    });
    expect(result.kind === 'failure' ? result.type : result.kind).toBe(expected);
    expect(FAILS_ON[failOn](PLANS[name] as Plan)).toBe(expected === 'JobFailed');
  });

  it.each(['drift', 'violations', 'never'] as const)(
    'an apply that did not converge fails under failOn %s, even with nothing left to report',
    (failOn) => {
      const inSync = PLANS['in sync'] as Plan;
      const notConverged = decideResult({
        result: inSync,
        applied: applied(inSync, false),
        mode: 'enforce',
        failOn,
        revision: undefined,
        policyTypes: [AI_POLICY_TYPE],
      });
      const converged = decideResult({
        result: inSync,
        applied: applied(inSync, true),
        mode: 'enforce',
        failOn,
        revision: undefined,
        policyTypes: [AI_POLICY_TYPE],
      });

      expect(notConverged).toEqual({
        kind: 'failure',
        type: 'JobFailed',
        message: `applied 3 of 4 steps; apply did not converge; now ${inSync.summary} (mode enforce)`,
      });
      expect(converged.kind).toBe('success');
    },
  );

  it('a success carries the summary and the six output variables, as strings', () => {
    const plan = PLANS['drift without violations'] as Plan;
    const result = decideResult({
      result: plan,
      applied: undefined,
      mode: 'audit',
      failOn: 'never',
      revision: 'r1',
      policyTypes: [AI_POLICY_TYPE],
    });

    expect(result).toEqual({
      kind: 'success',
      summary: [`${plan.summary} (mode audit, configuration revision r1)`, ...detailLines(plan)].join('\n'),
      variables: {
        VERDICT: 'drift',
        CHANGES: String(plan.changes.length),
        VIOLATIONS: '0',
        EFFECTIVE_CHANGES: String(plan.effectiveChanges.length),
        ACCOUNTS: '18',
        MODE: 'audit',
      },
    });
    expect(outputVariables(PLANS['in sync'] as Plan, 'enforce', [AI_POLICY_TYPE])).toMatchObject({
      VERDICT: 'in-sync',
      MODE: 'enforce',
    });
  });
});

describe('result: the output variables per policy type', () => {
  const TYPE_B = 'TYPE_B';
  /** The example's plan with its first change and first violation of TYPE_B. */
  const twoTypes = (): Plan => ({
    ...drifting,
    changes: drifting.changes.map((c, i) => (i === 0 ? { ...c, policyType: TYPE_B } : c)),
    violations: drifting.violations.map((v, i) => (i === 0 ? { ...v, policyType: TYPE_B } : v)),
  });
  // The types the run planned -> the variables besides the six
  it.each([
    ['one type', [AI_POLICY_TYPE], {}],
    [
      'two types',
      [AI_POLICY_TYPE, TYPE_B],
      {
        [`CHANGES_${AI_POLICY_TYPE}`]: String(drifting.changes.length - 1),
        [`VIOLATIONS_${AI_POLICY_TYPE}`]: String(drifting.violations.length - 1),
        CHANGES_TYPE_B: '1',
        VIOLATIONS_TYPE_B: '1',
      },
    ],
  ] as const)(
    '%s: the six variables count every type, and each type has its own counts',
    (_n, types, extra) => {
      const variables = outputVariables(twoTypes(), 'audit', types);

      const { VERDICT, CHANGES, VIOLATIONS, EFFECTIVE_CHANGES, ACCOUNTS, MODE, ...rest } = variables;
      expect([CHANGES, VIOLATIONS]).toEqual([
        String(drifting.changes.length),
        String(drifting.violations.length),
      ]);
      expect([VERDICT, EFFECTIVE_CHANGES, ACCOUNTS, MODE]).toEqual([
        drifting.verdict,
        String(drifting.effectiveChanges.length),
        String(drifting.accounts.total),
        'audit',
      ]);
      expect(rest).toEqual(extra);
    },
  );
});

describe('result: the headline', () => {
  const plan = PLANS['in sync'] as Plan;
  it.each([
    ['audit, no revision', undefined, undefined, `${plan.summary} (mode audit)`],
    ['audit, a revision', undefined, 'abc123', `${plan.summary} (mode audit, configuration revision abc123)`],
    [
      'enforce, nothing to apply',
      { steps: [], converged: true },
      undefined,
      `nothing to apply; now ${plan.summary} (mode audit)`,
    ],
    [
      'enforce, applied',
      applied(plan, true, 2),
      undefined,
      `applied 2 of 3 steps; now ${plan.summary} (mode audit)`,
    ],
    [
      'enforce, not converged',
      applied(plan, false, 0),
      'v9',
      `applied 0 of 1 steps; apply did not converge; now ${plan.summary} (mode audit, configuration revision v9)`,
    ],
    [
      'enforce, refused by pre-flight',
      { steps: [], converged: false, refused: 'nothing was written: 1 guardrail … (exists: none)' },
      undefined,
      'apply refused, nothing was written: 1 guardrail … (exists: none) (mode audit)',
    ],
  ] as const)('%s', (_name, apply, revision, expected) => {
    expect(headline(plan, 'audit', apply as ApplyResult | undefined, revision)).toBe(expected);
  });

  it('the detail lines: changes (with their target path), then violations, then warnings', () => {
    const lines = detailLines(drifting);

    expect(lines).toHaveLength(
      drifting.changes.length + drifting.violations.length + drifting.warnings.length,
    );
    expect(lines[0]).toBe(
      'create-policy ai-optout-sandbox-exception: create ai-optout-sandbox-exception (lex optIn, rekognition optIn; lock none)',
    );
    const attach = drifting.changes.findIndex((c) => c.target);
    expect(lines[attach]).toBe(
      `${drifting.changes[attach]?.action} ${drifting.changes[attach]?.policy} → ${drifting.changes[attach]?.target?.path}: ${drifting.changes[attach]?.detail}`,
    );
    expect(lines[drifting.changes.length]).toBe(
      'violation: data-dev (347960518243) in Root/Workloads/Dev: default is optIn (dev-experiments on data-dev (347960518243))',
    );
    expect(lines.at(-1)).toBe(`warning: ${drifting.warnings[0]?.message}`);
  });
});

describe('result: the text fitted to a limit', () => {
  const LIMIT = 100;
  /** Lines of 9 characters after a first line of `first` characters. */
  const fitted = (first: number, count: number) =>
    fitLines(
      'h'.repeat(first),
      Array.from({ length: count }, (_, i) => `line ${String(i).padStart(4, '0')}`),
      LIMIT,
    );

  it.each([
    // first line, lines, what is kept
    ['everything fits exactly at the limit', 90, 1, 'all'],
    ['one character under the limit', 89, 1, 'all'],
    ['one character over: the line is left out, and no room for the note either', 91, 1, 'first only'],
  ] as const)('%s', (_name, first, count, kept) => {
    const text = fitted(first, count);

    expect(text.length).toBeLessThanOrEqual(LIMIT);
    expect(text).toBe(kept === 'all' ? `${'h'.repeat(first)}\nline 0000` : 'h'.repeat(first));
  });

  it('"… and N more" takes the room of the lines it replaces, exactly at the limit and one over', () => {
    // 60 + 7 × 10 = 130: what fits with "\n… and N more" (13 characters) under 100?
    const lines = Array.from({ length: 7 }, (_, i) => `line ${String(i).padStart(4, '0')}`);
    const atLimit = fitLines('h'.repeat(57), lines, LIMIT); // 57 + 3 × 10 + 13 = 100
    const overByOne = fitLines('h'.repeat(58), lines, LIMIT); // 58 + 3 × 10 + 13 = 101: one line fewer

    expect(atLimit).toBe(`${'h'.repeat(57)}\nline 0000\nline 0001\nline 0002\n… and 4 more`);
    expect(atLimit).toHaveLength(LIMIT);
    expect(overByOne).toBe(`${'h'.repeat(58)}\nline 0000\nline 0001\n… and 5 more`);
  });

  it('the last line is kept whole without a note when it fits alone, and the note never breaks the limit', () => {
    const lines = ['x'.repeat(40), 'y'.repeat(40)];

    expect(fitLines('h'.repeat(18), lines, LIMIT)).toBe(`${'h'.repeat(18)}\n${lines[0]}\n${lines[1]}`); // 100
    expect(fitLines('h'.repeat(19), lines, LIMIT)).toBe(`${'h'.repeat(19)}\n${lines[0]}\n… and 1 more`); // 73
    expect(fitLines('h'.repeat(95), lines, LIMIT)).toBe('h'.repeat(95)); // the note would make 108
  });

  it('a first line longer than the limit is cut to it, ending with an ellipsis', () => {
    expect(fitLines('h'.repeat(LIMIT), [], LIMIT)).toBe('h'.repeat(LIMIT));
    expect(fitLines('h'.repeat(LIMIT + 1), ['x'], LIMIT)).toBe(`${'h'.repeat(LIMIT - 1)}…`);
  });

  it('the API limits: 2,048 characters for a summary, 5,000 for a failure message', () => {
    expect([SUMMARY_LIMIT, MESSAGE_LIMIT]).toEqual([2048, 5000]);
  });
});

describe('result: a failure from an error', () => {
  it.each([
    [new ConfigurationError('bad file'), 'ConfigurationError'],
    [new PermissionError('ListRoots', 'organizations:ListRoots', 'denied'), 'PermissionError'],
    [new ServiceUnavailableError('throttled'), 'SystemUnavailable'],
    [new DeadlineError('stopped'), 'JobFailed'],
    [new Error('anything else'), 'JobFailed'],
  ] as const)('%s is a %s, logged once with its type', (error, type) => {
    const logs = logSink();

    const result = failureResult(error, createLogger(logs, 'trace'));

    expect(result).toEqual({ kind: 'failure', type, message: error.message });
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 'error', msg: 'job failed', type, err: error.message }),
    ]);
    // the stack as the log shows it: escaped (echo), so its new lines are \n
    expect(String(logs.lines()[0]?.stack).startsWith(`${error.name}: ${error.message}\\n    at `)).toBe(true);
  });

  it('a thrown value that is no Error is a JobFailed of its text, logged without a stack; an Error without one, with an empty one', () => {
    const logs = logSink();
    const stackless = new Error('no stack');
    stackless.stack = undefined;

    const thrown = failureResult('a string', createLogger(logs, 'trace'));
    failureResult(stackless, createLogger(logs, 'trace'));

    expect(thrown).toEqual({ kind: 'failure', type: 'JobFailed', message: 'a string' });
    expect(logs.lines().map((l) => l.stack)).toEqual([undefined, '']);
  });

  it('a message of many lines is fitted to 5,000 characters, its first line first; diagnostics are counted', () => {
    const logs = logSink();
    const diagnostics = Array.from({ length: 3 }, (_, i) => ({
      severity: 'error' as const,
      message: `problem ${i}`,
      location: { file: 'ai-optout.yaml', line: i + 1, col: 1 },
    }));
    const long = new ConfigurationError(
      `first\n${'x'.repeat(4_000)}\n${'y'.repeat(4_000)}`,
      diagnostics as never,
    );

    const result = failureResult(long, createLogger(logs, 'trace'));

    // the second line fits, the third would not: it and the three diagnostics' lines are counted
    expect(result.message).toBe(`first\n${'x'.repeat(4_000)}\n… and 4 more`);
    expect(logs.lines()[0]).toMatchObject({ diagnostics: 3 });
  });
});
