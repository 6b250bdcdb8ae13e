/**
 * Every construct of the package with its required props only, in one stack, so that each default is
 * asserted on what the construct itself chooses (PostLzaPipelineStack passes most of them explicitly).
 * Two pipelines: a reconcile stage serves one pipeline, and the second shows the stage taking the mode
 * of an enforce reconciler.
 */
import {
  aws_codecommit as codecommit,
  aws_codepipeline as codepipeline,
  aws_codepipeline_actions as cpactions,
  aws_kms as kms,
  Stack,
  aws_s3 as s3,
  aws_sns as sns,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ComplianceMonitoring } from '../../lib/compliance-monitoring.ts';
import { PullRequestCheck } from '../../lib/pull-request-check.ts';
import { ReconcileStage } from '../../lib/reconcile-stage.ts';
import { ReconcilerFunction } from '../../lib/reconciler-function.ts';
import { SnapshotReaders } from '../../lib/snapshot-readers.ts';

/** A V2 pipeline named `name` with a Source stage whose output holds the desired state. */
function pipelineWithSource(scope: Construct, name: string) {
  const pipeline = new codepipeline.Pipeline(scope, name, {
    pipelineName: name,
    pipelineType: codepipeline.PipelineType.V2,
  });
  const input = new codepipeline.Artifact(`${name}Config`);
  const bucket = new s3.Bucket(scope, `${name}Source`);
  pipeline.addStage({
    stageName: 'Source',
    actions: [
      new cpactions.S3SourceAction({ actionName: 'Config', bucket, bucketKey: 'c.zip', output: input }),
    ],
  });
  return { pipeline, input };
}

export class DefaultsStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const audit = new ReconcilerFunction(this, 'Reconciler', { mode: 'audit' });
    new ReconcileStage(this, 'Reconcile', { ...pipelineWithSource(this, 'audited'), reconciler: audit });
    const enforce = new ReconcilerFunction(this, 'EnforcingReconciler', {
      mode: 'enforce',
      roleNamePrefix: 'enforcing',
    });
    new ReconcileStage(this, 'EnforcingReconcile', {
      ...pipelineWithSource(this, 'enforced'),
      reconciler: enforce,
    });
    new ComplianceMonitoring(this, 'Monitoring', {
      function: audit.function,
      topic: new sns.Topic(this, 'Topic'),
      name: 'defaults',
    });
    const bucket = new s3.Bucket(this, 'State');
    const key = new kms.Key(this, 'Key');
    new SnapshotReaders(this, 'SnapshotReaders', { bucket, key, githubRepository: 'octo-org/octo-repo' });
    new PullRequestCheck(this, 'PullRequestCheck', {
      repository: codecommit.Repository.fromRepositoryName(this, 'Repository', 'config'),
      snapshotBucket: bucket,
      key,
    });
  }
}
