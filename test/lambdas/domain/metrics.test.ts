/**
 * The run's metrics line (lambdas/domain/metrics.ts), an embedded-metric-format document [CW-EMF] that
 * the stack's alarm and dashboard read by name (lib/compliance-monitoring.ts), and the one line of a
 * refused invocation. The job's tests check that the function prints them; these check what they say.
 */
import { describe, expect, it } from 'vitest';
import { metricsDocument, rejectionDocument, typeMetricsDocuments } from '../../../lambdas/domain/metrics.ts';
import { AI_POLICY_TYPE } from '../../../lambdas/domain/policy-types/ai-optout/facts.ts';
import { parseEmfLine } from '../../support/emf.ts';
import { examplePlan } from '../../support/example-plan.ts';

const timestamp = new Date('2026-12-07T10:00:00.000Z');
const run = { functionName: 'ai-optout-job', timestamp, durationMs: 1234.6, apiCalls: 42 };

describe('metricsDocument', () => {
  it("carries the plan's figures under the metric names and units the alarm and dashboard read", () => {
    const plan = examplePlan();
    const document = metricsDocument(plan, { ...run, trigger: 'schedule rate(1 day)' });

    expect(document).toEqual({
      _aws: {
        Timestamp: timestamp.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'AiOptOut',
            Dimensions: [['FunctionName']],
            Metrics: [
              { Name: 'NonCompliantAccounts', Unit: 'Count' },
              { Name: 'Violations', Unit: 'Count' },
              { Name: 'Changes', Unit: 'Count' },
              { Name: 'EffectiveChanges', Unit: 'Count' },
              { Name: 'Accounts', Unit: 'Count' },
              { Name: 'Verdict', Unit: 'None' },
              { Name: 'DurationMs', Unit: 'Milliseconds' },
              { Name: 'ApiCalls', Unit: 'Count' },
            ],
          },
        ],
      },
      FunctionName: 'ai-optout-job',
      NonCompliantAccounts: 5,
      Violations: 5,
      Changes: 9,
      EffectiveChanges: 9,
      Accounts: 18,
      Verdict: 1,
      DurationMs: 1235,
      ApiCalls: 42,
      verdict: 'drift',
      mode: 'audit',
      trigger: 'schedule rate(1 day)',
    });
    // The same figures as the plan's own, and a document CloudWatch accepts.
    expect([
      plan.accounts.nonCompliant,
      plan.violations.length,
      plan.changes.length,
      plan.accounts.total,
    ]).toEqual([5, 5, 9, 18]);
    expect(() => parseEmfLine(JSON.stringify(document))).not.toThrow();
  });

  it('Verdict is 0 in sync; a duration the clock made negative is 0; no trigger, no trigger member', () => {
    const inSync = { ...examplePlan(), verdict: 'in-sync' as const };
    const document = metricsDocument(inSync, { ...run, durationMs: -3 });

    expect(document.Verdict).toBe(0);
    expect(document.DurationMs).toBe(0);
    expect(document).not.toHaveProperty('trigger');
    expect(metricsDocument(inSync, { ...run, trigger: '' })).not.toHaveProperty('trigger');
  });
});

describe('typeMetricsDocuments', () => {
  /** The example's plan with its first violation (and that account's other rows) of TYPE_B. */
  const twoTypes = () => {
    const plan = examplePlan();
    const [first] = plan.violations;
    return {
      ...plan,
      violations: plan.violations.map((v) => (v === first ? { ...v, policyType: 'TYPE_B' } : v)),
      changes: plan.changes.map((c, i) => (i < 2 ? { ...c, policyType: 'TYPE_B' } : c)),
    };
  };

  it('none for a run of one policy type: its figures are the run document', () => {
    expect(typeMetricsDocuments(twoTypes(), [AI_POLICY_TYPE], run)).toEqual([]);
    expect(typeMetricsDocuments(twoTypes(), [], run)).toEqual([]);
  });

  it('one per type, under FunctionName and PolicyType, with that type’s figures alone', () => {
    const plan = twoTypes();

    const [ai, typeB, ...others] = typeMetricsDocuments(plan, [AI_POLICY_TYPE, 'TYPE_B'], run);

    expect(others).toEqual([]);
    const directive = {
      Namespace: 'AiOptOut',
      Dimensions: [['FunctionName', 'PolicyType']],
      Metrics: [
        { Name: 'NonCompliantAccounts', Unit: 'Count' },
        { Name: 'Violations', Unit: 'Count' },
        { Name: 'Changes', Unit: 'Count' },
        { Name: 'EffectiveChanges', Unit: 'Count' },
      ],
    };
    expect(typeB).toEqual({
      _aws: { Timestamp: timestamp.getTime(), CloudWatchMetrics: [directive] },
      FunctionName: 'ai-optout-job',
      PolicyType: 'TYPE_B',
      NonCompliantAccounts: 1,
      Violations: 1,
      Changes: 2,
      EffectiveChanges: 0,
    });
    const aiAccounts = new Set(plan.violations.filter((v) => !v.policyType).map((v) => v.accountId));
    expect(ai).toMatchObject({
      PolicyType: AI_POLICY_TYPE,
      NonCompliantAccounts: aiAccounts.size,
      Violations: plan.violations.length - 1,
      Changes: plan.changes.length - 2,
      EffectiveChanges: plan.effectiveChanges.length,
    });
    for (const document of [ai, typeB]) expect(parseEmfLine(JSON.stringify(document))).toBeTruthy();
  });
});

describe('rejectionDocument', () => {
  it('counts one RejectedInvocations for the function, with the refusal as a plain member', () => {
    const document = rejectionDocument('ai-optout-job', timestamp, 'not-a-job');

    expect(document).toEqual({
      _aws: {
        Timestamp: timestamp.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'AiOptOut',
            Dimensions: [['FunctionName']],
            Metrics: [{ Name: 'RejectedInvocations', Unit: 'Count' }],
          },
        ],
      },
      FunctionName: 'ai-optout-job',
      RejectedInvocations: 1,
      refusal: 'not-a-job',
    });
    expect(() => parseEmfLine(JSON.stringify(document))).not.toThrow();
  });
});
