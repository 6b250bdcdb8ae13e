/**
 * The CDK constructs (`import … from 'ai-optout/cdk'`): the reconciler function, the reconcile stage
 * to add to a pipeline of your own, the post-LZA pipeline stack with its typed props (the configuration
 * source among them), the management-account role stack, the CodeCommit pull-request check, and the
 * `-c` deployment settings with their adapter to the stack's props. aws-cdk-lib and constructs are peer
 * dependencies.
 */
export type {
  BundledConfigSource,
  CodeCommitConfigSource,
  CodeConnectionsConfigSource,
  ConfigSource,
  LzaS3ConfigSource,
} from './config-sources.ts';
export {
  ManagementRoleStack,
  type ManagementRoleStackProps,
  managementRoleArnFor,
  reconcilerRoleArnFor,
} from './management-role-stack.ts';
export type { LzaInstallProps, PostLzaPipelineProps, PullRequestChecks } from './post-lza-pipeline-props.ts';
export { PostLzaPipelineStack, type PostLzaPipelineStackProps } from './post-lza-pipeline-stack.ts';
export { PullRequestCheck, type PullRequestCheckProps } from './pull-request-check.ts';
export { ReconcileStage, type ReconcileStageProps } from './reconcile-stage.ts';
export { ReconcilerFunction, type ReconcilerFunctionProps } from './reconciler-function.ts';
export {
  pipelinePropsFrom,
  resolveSettings,
  type Settings,
  SettingsError,
  validateSettings,
} from './settings.ts';
