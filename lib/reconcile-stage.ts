/**
 * Adds the reconcile stage to any CodePipeline you own: a Lambda invoke action with a variables
 * namespace, the desired-state artifact as input and a report artifact as output. It binds the
 * reconciler to this pipeline: the function confirms every job with CodePipeline before it reads
 * anything (lambdas/pipeline-job/confirm.ts), so it is told the pipeline's name and artifact bucket
 * (and the trigger variable's name), and may read this pipeline's action executions, nothing else.
 *
 * ```ts
 * const reconcile = new ReconcileStage(this, 'AiOptOut', { pipeline, input: sourceOutput, reconciler, failOn: 'never' });
 * pipeline.addStage({ stageName: 'Promote', beforeEntry: reconcile.gateOnInSync(), actions: [...] });
 * ```
 */
import {
  aws_codepipeline_actions as actions,
  type CfnElement,
  aws_codepipeline as codepipeline,
  aws_iam as iam,
  Stack,
  type aws_s3 as s3,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import {
  DEFAULT_VERIFY,
  type FailOn,
  type Mode,
  type OutputVariable,
  type Verify,
} from '../lambdas/domain/contract.ts';
import { FailOnSchema, VerifySchema } from '../lambdas/domain/contract-schemas.ts';
import { writeVariables } from '../lambdas/runtime/environment.ts';
import { PIPELINE_BINDING_VARIABLES } from '../lambdas/runtime/pipeline-job-environment.ts';
import type { ReconcilerFunction } from './reconciler-function.ts';

/** The defaults of ReconcileStageProps, each asserted by test/lib/reconcile-stage.test.ts. */
export const RECONCILE_STAGE_DEFAULTS = {
  failOn: 'drift',
  verify: DEFAULT_VERIFY,
  configPath: 'ai-optout.yaml',
  stageName: 'AiOptOut',
  variablesNamespace: 'AiOptOut',
} as const;

export interface ReconcileStageProps {
  readonly pipeline: codepipeline.Pipeline;
  /** The artifact that holds the desired-state file. */
  readonly input: codepipeline.Artifact;
  readonly reconciler: ReconcilerFunction;
  /** enforce needs a reconciler deployed for enforce. @default - the reconciler's mode */
  readonly mode?: Mode;
  /** When the stage fails: on any drift, only on violations of `expect`, or never. @default 'drift' */
  readonly failOn?: FailOn;
  /**
   * How much of the computed effective policies AWS's DescribeEffectivePolicy confirms: one account per
   * distinct effective state, every account, or none.
   * @default 'states'
   */
  readonly verify?: Verify;
  /** Path of the desired state inside the input artifact. @default 'ai-optout.yaml' */
  readonly configPath?: string;
  /** Role to assume in the management account, passed to the function. @default - none: the function's own role */
  readonly roleArn?: string;
  /** @default 'AiOptOut' */
  readonly stageName?: string;
  /** The variables are then `#{<namespace>.VERDICT}` … @default 'AiOptOut' */
  readonly variablesNamespace?: string;
  /** Insert the stage at a position. @default - added last */
  readonly placement?: codepipeline.StagePlacement;
  /**
   * A pipeline variable (V2 pipelines) that says what started the run, shown in the report. The function
   * reads it from the pipeline execution (GetPipelineExecution), never from UserParameters, where text
   * that whoever starts the pipeline chooses could add keys.
   * @default - none: the report shows no trigger
   */
  readonly triggerVariable?: codepipeline.Variable;
}

export class ReconcileStage extends Construct {
  readonly action: actions.LambdaInvokeAction;
  readonly report: codepipeline.Artifact;
  readonly stage: codepipeline.IStage;
  readonly variablesNamespace: string;

  constructor(scope: Construct, id: string, props: ReconcileStageProps) {
    super(scope, id);
    const mode = props.mode ?? props.reconciler.mode;
    if (mode === 'enforce' && props.reconciler.mode !== 'enforce') {
      throw new Error(
        'ReconcileStage: mode enforce needs a ReconcilerFunction deployed with mode enforce (its role is read-only)',
      );
    }
    const failOn = props.failOn ?? RECONCILE_STAGE_DEFAULTS.failOn;
    if (!FailOnSchema.safeParse(failOn).success) {
      throw new Error(
        `ReconcileStage: failOn must be ${FailOnSchema.options.join(', ')}, not ${String(failOn)}`,
      );
    }
    const verify = props.verify ?? RECONCILE_STAGE_DEFAULTS.verify;
    if (!VerifySchema.safeParse(verify).success) {
      throw new Error(
        `ReconcileStage: verify must be ${VerifySchema.options.join(', ')}, not ${String(verify)}`,
      );
    }
    this.variablesNamespace = props.variablesNamespace ?? RECONCILE_STAGE_DEFAULTS.variablesNamespace;
    if (!/^[A-Za-z0-9@\-_]{1,100}$/.test(this.variablesNamespace)) {
      throw new Error(
        `ReconcileStage: variablesNamespace ${this.variablesNamespace} must match [A-Za-z0-9@-_]{1,100}`,
      );
    }
    this.report = new codepipeline.Artifact(`${this.variablesNamespace}Report`);
    this.action = new actions.LambdaInvokeAction({
      actionName: 'Reconcile',
      lambda: props.reconciler.function,
      inputs: [props.input],
      outputs: [this.report],
      variablesNamespace: this.variablesNamespace,
      userParameters: {
        configPath: props.configPath ?? RECONCILE_STAGE_DEFAULTS.configPath,
        mode,
        failOn,
        verify,
        ...(props.roleArn ? { roleArn: props.roleArn } : {}),
        pipelineExecutionId: '#{codepipeline.PipelineExecutionId}',
      },
    });
    bindToPipeline(props.reconciler, props.pipeline, props.triggerVariable);
    const stageName = props.stageName ?? RECONCILE_STAGE_DEFAULTS.stageName;
    this.stage = props.pipeline.addStage({
      stageName,
      actions: [this.action],
      ...(props.placement ? { placement: props.placement } : {}),
    });
    const actionRole = props.pipeline.node
      .tryFindChild(stageName)
      ?.node.tryFindChild('Reconcile')
      ?.node.tryFindChild('CodePipelineActionRole');
    if (actionRole) acknowledgeActionRole(actionRole, props.reconciler, props.pipeline.artifactBucket);
  }

  /** `#{<namespace>.<name>}` for a later stage or rule. */
  variable(name: OutputVariable): string {
    return this.action.variable(name);
  }

  /**
   * A `beforeEntry` condition for a promotion stage: the stage is entered only when this reconcile
   * reported VERDICT = in-sync; otherwise it fails. (Use `failOn: 'never'` or `'violations'` so the
   * reconcile stage itself succeeds and sets its variables.)
   */
  gateOnInSync(result: codepipeline.Result = codepipeline.Result.FAIL): codepipeline.Conditions {
    return {
      conditions: [
        {
          result,
          rules: [
            new codepipeline.Rule({
              name: 'AiOptOutInSync',
              provider: 'VariableCheck',
              version: '1',
              configuration: { Variable: this.variable('VERDICT'), Value: 'in-sync', Operator: 'EQ' },
            }),
          ],
        },
      ],
    };
  }
}

/** Each reconciler and the pipeline (and trigger variable) it serves: one function, one pipeline. */
const BOUND = new WeakMap<ReconcilerFunction, string>();

/**
 * The pipeline's name as written in the template. A name CloudFormation generates is known only through
 * the pipeline's Ref, and the function's environment cannot refer to the pipeline that invokes it (a
 * circular dependency), so the pipeline must be named.
 */
function pipelineNameOf(pipeline: codepipeline.Pipeline): string {
  const name = (pipeline.node.defaultChild as codepipeline.CfnPipeline).name;
  if (name && !Token.isUnresolved(name)) return name;
  throw new Error(
    `ReconcileStage: give the pipeline ${pipeline.node.path} a pipelineName: the reconciler confirms every job with CodePipeline by its pipeline's name, and a name CloudFormation generates cannot be passed to the function the pipeline invokes`,
  );
}

/**
 * Tells the function which pipeline's jobs to accept (PIPELINE_BINDING_VARIABLES), and lets it read that pipeline's action
 * executions (and, with a trigger variable, its executions' variables). Service Authorization Reference
 * (codepipeline): ListActionExecutions and GetPipelineExecution act on the `pipeline` resource type,
 * `arn:<partition>:codepipeline:<region>:<account>:<pipeline name>`.
 */
function bindToPipeline(
  reconciler: ReconcilerFunction,
  pipeline: codepipeline.Pipeline,
  trigger: codepipeline.Variable | undefined,
): void {
  const name = pipelineNameOf(pipeline);
  const binding = `${name} (trigger variable ${trigger?.variableName ?? 'none'})`;
  const bound = BOUND.get(reconciler);
  if (bound === binding) return;
  if (bound)
    throw new Error(
      `ReconcileStage: the ReconcilerFunction ${reconciler.node.path} already serves the pipeline ${bound}; a function accepts the jobs of one pipeline: give this stage a ReconcilerFunction of its own`,
    );
  BOUND.set(reconciler, binding);
  const fn = reconciler.function;
  const variables = writeVariables(PIPELINE_BINDING_VARIABLES, {
    pipelineName: name,
    artifactBucket: pipeline.artifactBucket.bucketName,
    triggerVariable: trigger?.variableName,
  });
  for (const [variable, value] of Object.entries(variables)) fn.addEnvironment(variable, value);
  reconciler.role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ConfirmJobsOfOwnPipeline',
      actions: [
        'codepipeline:ListActionExecutions',
        ...(trigger ? ['codepipeline:GetPipelineExecution'] : []),
      ],
      resources: [Stack.of(pipeline).formatArn({ service: 'codepipeline', resource: name })],
    }),
  );
}

/**
 * The invoke action's role, generated by aws-cdk-lib: lambda:ListFunctions has no resource scope, and
 * the standard artifact grants use wildcard S3 and KMS actions on the pipeline's own artifact bucket.
 */
function acknowledgeActionRole(
  role: IConstruct,
  reconciler: ReconcilerFunction,
  artifactBucket: s3.IBucket,
): void {
  const stack = Stack.of(reconciler);
  const functionId = stack.getLogicalId(reconciler.function.node.defaultChild as CfnElement);
  const acknowledge = (finding: string, reason: string) =>
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  acknowledge(
    'Resource::*',
    "CodePipeline's Lambda invoke action needs lambda:ListFunctions, which supports no resource-level permissions (granted by aws-cdk-lib).",
  );
  acknowledge(
    `Resource::<${functionId}.Arn>:*`,
    'lambda:InvokeFunction on the reconciler function and its versions or aliases (granted by aws-cdk-lib).',
  );
  const artifactGrant =
    "aws-cdk-lib's standard grants for the action's input and output artifacts: objects in the pipeline's own artifact bucket and its key.";
  for (const action of [
    's3:Abort*',
    's3:DeleteObject*',
    's3:GetBucket*',
    's3:GetObject*',
    's3:List*',
    'kms:GenerateDataKey*',
    'kms:ReEncrypt*',
  ]) {
    acknowledge(`Action::${action}`, artifactGrant);
  }
  const bucket = artifactBucket.node.defaultChild;
  if (bucket && Stack.of(bucket) === stack)
    acknowledge(`Resource::<${stack.getLogicalId(bucket as CfnElement)}.Arn>/*`, artifactGrant);
}
