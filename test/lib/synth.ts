/** Synthesizes the app's stacks for tests, with the feature flags of cdk.json. */
import { readFileSync } from 'node:fs';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ManagementRoleStack } from '../../lib/management-role-stack.ts';
import { PostLzaPipelineStack } from '../../lib/post-lza-pipeline-stack.ts';
import { type Settings, validateSettings } from '../../lib/settings.ts';

export const CDK_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

/** `bundling: false` skips the Lambda bundle (CDK's `aws:cdk:bundling-stacks`): for tests of IAM and ARNs only. */
export function newApp(options: { bundling?: boolean } = {}): App {
  const skip = options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {};
  return new App({ context: { ...CDK_CONTEXT, ...skip } });
}

export interface Synthesized {
  stack: PostLzaPipelineStack;
  template: Template;
  settings: Settings;
}

const cache = new Map<string, Synthesized>();

/**
 * The pipeline stack for these settings (cached: synthesis bundles the Lambda, unless `bundling: false`);
 * environment-agnostic unless `env` gives the account and region (as the cdk CLI does).
 */
export function synthPipeline(
  raw: Record<string, unknown> = {},
  options: { bundling?: boolean; env?: { account: string; region: string } } = {},
): Synthesized {
  const key = JSON.stringify([raw, options.bundling ?? true, options.env ?? null]);
  const cached = cache.get(key);
  if (cached) return cached;
  const settings = validateSettings(raw);
  const stack = new PostLzaPipelineStack(newApp(options), settings.stackName, {
    settings,
    ...(options.env ? { env: options.env } : {}),
  });
  const result = { stack, template: Template.fromStack(stack), settings };
  cache.set(key, result);
  return result;
}

export function synthManagementRole(
  mode: 'audit' | 'enforce',
  qualifier?: string,
): {
  stack: ManagementRoleStack;
  template: Template;
} {
  const stack = new ManagementRoleStack(newApp(), 'AiOptOutManagementRole', {
    mode,
    pipelineAccountId: '444455556666',
    ...(qualifier ? { qualifier } : {}),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** cdk-nag AwsSolutions findings left after acknowledgements, as `RuleId @ construct path`. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath ?? r.resourceLogicalId}`),
  );
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of every IAM policy in the template attached to (or inline in) the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  const roles = template.findResources('AWS::IAM::Role');
  for (const policy of (roles[roleLogicalId]?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[]) {
    statements.push(...policy.PolicyDocument.Statement);
  }
  for (const resource of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const attached = (resource.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleLogicalId);
    if (attached) statements.push(...(resource.Properties.PolicyDocument.Statement as Statement[]));
  }
  return statements;
}

export function actionsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

export function logicalIdOf(
  template: Template,
  type: string,
  predicate: (properties: Record<string, unknown>) => boolean,
): string {
  const matches = Object.entries(template.findResources(type)).filter(([, r]) =>
    predicate(r.Properties ?? {}),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
  return (matches[0] as [string, unknown])[0];
}

/** The reconciler function's role (the stack has other Lambda roles: the starter, the trigger, the Config rule). */
export function reconcilerRoleId(template: Template): string {
  return logicalIdOf(
    template,
    'AWS::IAM::Role',
    (p) =>
      JSON.stringify(p.AssumeRolePolicyDocument).includes('lambda.amazonaws.com') &&
      String(p.Description).startsWith('ai-optout reconciler'),
  );
}

/** Every opt-in of continuous compliance at once (cdk-nag and cfn-lint check it, synthesized without bundles). */
export const CONTINUOUS_COMPLIANCE = {
  mode: 'enforce',
  securityHub: true,
  configRule: true,
  schedule: 'rate(1 hour)',
};
