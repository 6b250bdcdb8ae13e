/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`): the post-LZA pipeline stack, and the
 * management-account role stack when the pipeline runs in another account. Settings come from cdk
 * context or a settings file and become the stack's typed props (see lib/settings.ts and docs/deploying.md). cdk-nag (AwsSolutions) runs on
 * every synth; an unacknowledged finding fails it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { organizationsRegionFor } from '../lambdas/domain/partitions.ts';
import { ManagementRoleStack } from '../lib/management-role-stack.ts';
import { OrganizationsEventForwarderStack } from '../lib/organizations-event-forwarder-stack.ts';
import { PostLzaPipelineStack } from '../lib/post-lza-pipeline-stack.ts';
import { pipelinePropsFrom, resolveSettings, type Settings, SettingsError } from '../lib/settings.ts';

export function buildApp(app: App = new App()): { app: App; settings: Settings } {
  const settings = resolveSettings(
    (key) => app.node.tryGetContext(key),
    Object.keys(app.node.getAllContext()),
  );
  // The account and region `cdk deploy` targets (unset without credentials: an environment-agnostic synth).
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const pipeline = new PostLzaPipelineStack(app, settings.stackName, {
    ...pipelinePropsFrom(settings),
    env,
    description: `ai-optout: reconciles AWS Organizations AI services opt-out policies after every LZA run (${settings.mode})`,
  });
  forwardOrganizationsEvents(app, settings, pipeline, env);
  if (settings.managementAccountId && settings.pipelineAccountId) {
    new ManagementRoleStack(app, `${settings.stackName}-ManagementRole`, {
      env: { account: settings.managementAccountId },
      mode: settings.mode,
      bedrockPolicies: settings.bedrockPolicies,
      pipelineAccountId: settings.pipelineAccountId,
      ...(settings.lzaQualifier ? { qualifier: settings.lzaQualifier } : {}),
      // The reconciler role's name ends with the pipeline's region; without one, the role stack's own.
      ...(env.region ? { pipelineRegion: env.region } : {}),
      description: `ai-optout: role assumed by the pipeline in ${settings.pipelineAccountId} (${settings.mode})`,
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, settings };
}

/**
 * Organizations' events reach only the Organizations region of the partition (us-east-1 outside China
 * and GovCloud): a pipeline elsewhere gets them through a forwarder stack there. Only when the pipeline
 * runs in the management account (no management-account role) and its region is known.
 */
function forwardOrganizationsEvents(
  app: App,
  settings: Settings,
  pipeline: PostLzaPipelineStack,
  env: { account: string | undefined; region: string | undefined },
): void {
  if (settings.managementRoleArn || settings.managementAccountId || !env.region) return;
  const eventsRegion = organizationsRegionFor(env.region);
  if (eventsRegion === env.region) return;
  const forwarder = new OrganizationsEventForwarderStack(app, `${settings.stackName}-OrganizationsEvents`, {
    env: { account: env.account, region: eventsRegion },
    destinationRegion: env.region,
    description: `ai-optout: forwards AWS Organizations events from ${eventsRegion} to the pipeline in ${env.region}`,
  });
  forwarder.addDependency(pipeline);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
