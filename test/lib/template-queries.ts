/** Reading synthesized templates: resources by what they are, IAM statements by role and action. */
import type { Template } from 'aws-cdk-lib/assertions';

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

/** The first statement of any IAM policy in the template that allows `action`, with the roles it is attached to. */
export function statementsAllowing(
  template: Template,
  action: string,
): { roles: unknown; resource: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
      .map((s) => ({ roles: policy.Properties.Roles, resource: s.Resource })),
  );
}

/** A pipeline action as the template has it. */
export interface PipelineAction {
  Name: string;
  ActionTypeId: Record<string, string>;
  Configuration: Record<string, unknown>;
  Namespace?: string;
}

/** The pipeline's stages, as the template has them (the stack has one pipeline). */
export function pipelineStages(template: Template): { Name: string; Actions: PipelineAction[] }[] {
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  if (pipelines.length !== 1) throw new Error(`expected one pipeline, found ${pipelines.length}`);
  return pipelines[0]?.Properties.Stages;
}

/** The Source action's configuration. */
export function sourceConfiguration(template: Template): Record<string, unknown> {
  return pipelineStages(template)[0]?.Actions[0]?.Configuration ?? {};
}

/** UserParameters of the reconcile action, as the function receives them: CodePipeline resolves #{codepipeline.PipelineExecutionId}. */
export function userParametersAtRunTime(template: Template, stageName = 'AiOptOut'): string {
  const stage = pipelineStages(template).find((s) => s.Name === stageName);
  if (!stage) throw new Error(`no stage ${stageName}`);
  return String(stage.Actions[0]?.Configuration.UserParameters).replace(
    '#{codepipeline.PipelineExecutionId}',
    '5c4a1f2e-8d3b-4e6a-9f70-1b2c3d4e5f60',
  );
}

/** The rule that starts the pipeline after LZA. */
export function afterLzaRule(template: Template): {
  EventPattern: Record<string, unknown>;
  Targets: { Arn: unknown }[];
} {
  const rules = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) =>
    id.includes('AfterLzaSucceeded'),
  );
  if (rules.length !== 1) throw new Error(`expected one AfterLzaSucceeded rule, found ${rules.length}`);
  return (rules[0] as [string, { Properties: never }])[1].Properties;
}

/**
 * A function's environment as its handler would see it: CloudFormation's references written as
 * `<LogicalId>` (`<LogicalId.Attribute>`, `<AWS::Region>`), joins joined.
 */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  const fn = template.findResources('AWS::Lambda::Function')[logicalId];
  if (!fn) throw new Error(`no function ${logicalId}`);
  const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, asText(value)]));
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Ref' in node) return `<${String(node.Ref)}>`;
  if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(asText).join(separator);
  }
  throw new Error(`cannot read ${JSON.stringify(value)} as text`);
}
