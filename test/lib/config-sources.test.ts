/**
 * The configuration sources (lib/config-sources.ts): each kind's source action, none of which triggers
 * the pipeline, and what the starter is told to expect of LZA's own action for the revision to be ours.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PostLzaPipelineStack } from '../../lib/post-lza-pipeline-stack.ts';
import { CONFIGURATIONS, newApp, synthesized, synthPipeline } from './synth.ts';
import { functionEnvironment, logicalIdOf, sourceConfiguration } from './template-queries.ts';

describe('configuration sources', () => {
  it('lza-s3: the LZA configuration zip, polled never', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, lza-s3']);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Source',
          Actions: [
            Match.objectLike({
              Configuration: {
                S3Bucket: Match.anyValue(),
                S3ObjectKey: 'zipped/aws-accelerator-config.zip',
                PollForSourceChanges: false,
              },
            }),
          ],
        }),
      ]),
    });
    expect(JSON.stringify(template.toJSON())).toContain('aws-accelerator-config-');
  });

  it('codecommit: the branch of the repository LZA creates, polled never', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, codecommit (repository derived)']);
    expect(sourceConfiguration(template)).toEqual({
      RepositoryName: 'aws-accelerator-config',
      BranchName: 'main',
      PollForSourceChanges: false,
    });
    // after LZA, on failure, and on Organizations events
    expect(Object.keys(template.findResources('AWS::Events::Rule')).length).toBe(3);
  });

  it('codeconnections: the repository through the connection, no change detection', () => {
    const { template } = synthPipeline(CONFIGURATIONS['audit, codeconnections']);
    expect(sourceConfiguration(template)).toMatchObject({
      FullRepositoryId: 'example/aws-accelerator-config',
      BranchName: 'main',
      DetectChanges: false,
    });
  });

  it("typed props: the repository and branch given are read, and expected of LZA's action", () => {
    const { template } = synthesized('typed-codecommit-source', () => {
      return new PostLzaPipelineStack(newApp({ bundling: false }), 'Typed', {
        source: { kind: 'codecommit', repositoryName: 'landing-zone', branch: 'release' },
      });
    });
    expect(sourceConfiguration(template)).toMatchObject({
      RepositoryName: 'landing-zone',
      BranchName: 'release',
    });
    const starter = logicalIdOf(template, 'AWS::Lambda::Function', (p) =>
      JSON.stringify(p.Environment ?? {}).includes('AI_OPTOUT_LZA_PIPELINE'),
    );
    expect(JSON.parse(functionEnvironment(template, starter).AI_OPTOUT_SOURCE_CONFIGURATION ?? '')).toEqual({
      RepositoryName: 'landing-zone',
      BranchName: 'release',
    });
  });
});
