/**
 * How this project's Lambda functions are built: the bundle of one of the package's entries
 * (lib/lambda-bundles.ts: prebuilt in the package, bundled locally from source in this repository,
 * never in Docker), one ESM file for Node.js 24 or later (nodeRuntime) on arm64 with its source map, its own log group and a
 * role that can write only there to start with. Shared by the reconciler and the pipeline starter,
 * so both are built the same way.
 */
import {
  type CfnElement,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BUNDLE_HANDLER, BUNDLE_NODE_MAJOR, type LambdaName, lambdaCode } from './lambda-bundles.ts';

/** What the function's construct chooses; the code, handler, runtime and architecture are the bundle's. */
export type BundledFunctionProps = Omit<
  lambda.FunctionProps,
  'code' | 'handler' | 'runtime' | 'architecture'
>;

/**
 * The function `id` running the bundle of the entry `name`, with `--enable-source-maps` (stack traces
 * name the sources' files and lines) besides the environment its construct writes.
 */
export function bundledFunction(
  scope: Construct,
  id: string,
  name: LambdaName,
  props: BundledFunctionProps,
): lambda.Function {
  return new lambda.Function(scope, id, {
    ...props,
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    code: lambdaCode(name),
    handler: BUNDLE_HANDLER,
    runtime: nodeRuntime(),
    architecture: lambda.Architecture.ARM_64,
  });
}

/**
 * The newest Node.js runtime the installed aws-cdk-lib knows, and no older than the bundle's target. The
 * bundle (ESM for Node.js 24) runs unchanged on later Node.js majors, and cdk-nag's AwsSolutions-L1
 * requires the newest runtime of the family in the same list (`lambda.Runtime.ALL`): a runtime pinned
 * here would fail it for every user whose aws-cdk-lib is newer than this repository's.
 */
export function nodeRuntime(all: readonly lambda.Runtime[] = lambda.Runtime.ALL): lambda.Runtime {
  const majorOf = (runtime: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1] ?? 0);
  const newest = all.reduce((best, runtime) => (majorOf(runtime) > majorOf(best) ? runtime : best));
  return majorOf(newest) >= BUNDLE_NODE_MAJOR ? newest : lambda.Runtime.NODEJS_24_X;
}

/** The function's own log group, kept when the stack is deleted (the logs are the audit trail). */
export function functionLogGroup(scope: Construct, retention = logs.RetentionDays.ONE_YEAR): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', { retention, removalPolicy: RemovalPolicy.RETAIN });
}

/** The function's role: assumed by Lambda, allowed to write to its own log group and nothing else yet. */
export function functionRole(
  scope: Construct,
  logGroup: logs.ILogGroup,
  props: { description: string; roleName?: string },
): iam.Role {
  const role = new iam.Role(scope, 'Role', {
    ...(props.roleName ? { roleName: props.roleName } : {}),
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
    }),
  );
  return role;
}

/** cdk-nag's wildcard finding on the log streams of the function's own log group, acknowledged with its reason. */
export function acknowledgeLogStreams(role: iam.Role, logGroup: logs.LogGroup): void {
  const logGroupId = Stack.of(role).getLogicalId(logGroup.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
    reason: "The log streams of the function's own log group; stream names are chosen by Lambda at run time.",
  });
}
