/**
 * IAM policies of a synthesized template, as the IAM simulator takes them: CloudFormation intrinsics
 * resolved to the concrete values a deployment in one account, region and partition would have.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface Deployment {
  partition: string;
  account: string;
  region: string;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The ARN CloudFormation would return for `Fn::GetAtt [id, Arn]` (physical names are the logical ids). */
function arnOf(id: string, resources: Resources, at: Deployment): string {
  const { partition, account, region } = at;
  const properties = resources[id]?.Properties ?? {};
  switch (resources[id]?.Type) {
    case 'AWS::S3::Bucket':
      return `arn:${partition}:s3:::${id.toLowerCase()}`;
    case 'AWS::Logs::LogGroup':
      return `arn:${partition}:logs:${region}:${account}:log-group:${id}:*`;
    case 'AWS::KMS::Key':
      return `arn:${partition}:kms:${region}:${account}:key/${id}`;
    case 'AWS::IAM::Role':
      return `arn:${partition}:iam::${account}:role/${String(properties.RoleName ?? id)}`;
    case 'AWS::Lambda::Function':
      return `arn:${partition}:lambda:${region}:${account}:function:${id}`;
    case 'AWS::SQS::Queue':
      return `arn:${partition}:sqs:${region}:${account}:${id}`;
    default:
      throw new Error(`no ARN format for ${id} (${resources[id]?.Type ?? 'not in the template'})`);
  }
}

function refOf(name: string, resources: Resources, at: Deployment): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': at.partition,
    'AWS::AccountId': at.account,
    'AWS::Region': at.region,
    'AWS::URLSuffix': at.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
  };
  if (pseudo[name]) return pseudo[name];
  // A named resource's Ref is its name (a pipeline's Ref is its name); others are their logical ids here.
  const named = resources[name]?.Type === 'AWS::CodePipeline::Pipeline' && resources[name]?.Properties?.Name;
  if (typeof named === 'string') return named;
  // A bucket's Ref is its name: the same lower-cased logical id its ARN is built from (arnOf).
  if (resources[name]?.Type === 'AWS::S3::Bucket') return name.toLowerCase();
  if (resources[name]) return name;
  throw new Error(`cannot resolve Ref ${name}`);
}

/** `value` with every Ref, Fn::GetAtt (Arn), Fn::Join and Fn::Sub (of a string) replaced by the string it stands for. */
export function resolveIntrinsics(value: unknown, resources: Resources, at: Deployment): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, resources, at));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return refOf(argument as string, resources, at);
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    const [id, attribute] = argument as [string, string];
    if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
    return arnOf(id, resources, at);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = argument as [string, unknown[]];
    return parts.map((p) => String(resolveIntrinsics(p, resources, at))).join(separator);
  }
  // The form aws-cdk-lib writes for bootstrap names (`cdk-…-assets-${AWS::AccountId}-${AWS::Region}`): a string with references.
  if (entries.length === 1 && key === 'Fn::Sub' && typeof argument === 'string') {
    return argument.replace(/\$\{([\w:]+)\}/g, (_m, name: string) => refOf(name, resources, at));
  }
  if (entries.length === 1 && key?.startsWith('Fn::')) throw new Error(`cannot resolve ${key}`);
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resources, at)]));
}

export interface NamedPolicy {
  name: string;
  policy: { Version: string; Statement: unknown[] };
}

/** The identity policies of the role with this logical id: its inline policies and every AWS::IAM::Policy attached to it. */
export function identityPoliciesOf(template: Template, roleId: string, at: Deployment): NamedPolicy[] {
  const resources = template.toJSON().Resources as Resources;
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of the template`);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map(
    (p) => ({ name: p.PolicyName, document: p.PolicyDocument }),
  );
  const attached = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .filter(([, r]) => ((r.Properties?.Roles ?? []) as { Ref?: string }[]).some((ref) => ref.Ref === roleId))
    .map(([id, r]) => ({ name: id, document: r.Properties?.PolicyDocument }));
  return [...inline, ...attached].map(({ name, document }) => ({
    name,
    policy: resolveIntrinsics(document, resources, at) as NamedPolicy['policy'],
  }));
}

/** A resource's policy property (a trust policy, a bucket policy), resolved. */
export function resourcePolicyOf(
  template: Template,
  logicalId: string,
  property: string,
  at: Deployment,
): NamedPolicy['policy'] {
  const resources = template.toJSON().Resources as Resources;
  const document = resources[logicalId]?.Properties?.[property];
  if (!document) throw new Error(`${logicalId} has no ${property}`);
  return resolveIntrinsics(document, resources, at) as NamedPolicy['policy'];
}
