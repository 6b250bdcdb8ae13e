/**
 * The CDK constructs (`import … from 'ai-optout/cdk'`): the reconciler function, the reconcile stage
 * to add to a pipeline of your own, the post-LZA pipeline stack, the management-account role stack, the
 * CodeCommit pull-request check,
 * and the deployment settings they take. aws-cdk-lib and constructs are peer dependencies.
 */
export {
  ManagementRoleStack,
  type ManagementRoleStackProps,
  managementRoleArnFor,
  reconcilerRoleArnFor,
} from './management-role-stack.ts';
export { PostLzaPipelineStack, type PostLzaPipelineStackProps } from './post-lza-pipeline-stack.ts';
export { PullRequestCheck, type PullRequestCheckProps } from './pull-request-check.ts';
export { ReconcileStage, type ReconcileStageProps } from './reconcile-stage.ts';
export { ReconcilerFunction, type ReconcilerFunctionProps } from './reconciler-function.ts';
export { resolveSettings, type Settings, SettingsError, validateSettings } from './settings.ts';
