/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`): the post-LZA pipeline stack, and the
 * management-account role stack when the pipeline runs in another account. Settings come from cdk
 * context or a settings file (see lib/settings.ts and docs/deploying.md). cdk-nag (AwsSolutions) runs on
 * every synth; an unacknowledged finding fails it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ManagementRoleStack } from '../lib/management-role-stack.ts';
import { PostLzaPipelineStack } from '../lib/post-lza-pipeline-stack.ts';
import { resolveSettings, type Settings, SettingsError } from '../lib/settings.ts';

function buildApp(app: App = new App()): { app: App; settings: Settings } {
  const settings = resolveSettings(
    (key) => app.node.tryGetContext(key),
    Object.keys(app.node.getAllContext()),
  );
  new PostLzaPipelineStack(app, settings.stackName, {
    settings,
    description: `ai-optout: reconciles AWS Organizations AI services opt-out policies after every LZA run (${settings.mode})`,
  });
  if (settings.managementAccountId && settings.pipelineAccountId) {
    new ManagementRoleStack(app, `${settings.stackName}-ManagementRole`, {
      env: { account: settings.managementAccountId },
      mode: settings.mode,
      pipelineAccountId: settings.pipelineAccountId,
      ...(settings.lzaQualifier ? { qualifier: settings.lzaQualifier } : {}),
      description: `ai-optout: role assumed by the pipeline in ${settings.pipelineAccountId} (${settings.mode})`,
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, settings };
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
