import { describe, expect, it } from 'vitest';
import { startAfterLza } from '../../../lambdas/pipeline-starter/start.ts';
import { createLogger } from '../../../lambdas/runtime/logger.ts';
import {
  readStarterConfig,
  STARTER_ENV,
  type StarterConfig,
} from '../../../lambdas/runtime/pipeline-starter-environment.ts';
import { LZA_CONFIGURATION_ACTION } from '../../../lib/lza-names.ts';
import type { ScriptedActionExecution } from '../../support/codepipeline-endpoint.ts';
import { useCodePipelineEndpoint } from '../../support/use-codepipeline.ts';
import { logSink } from '../pipeline-job/pipeline-fixtures.ts';

const LZA = 'AWSAccelerator-Pipeline';
const OURS = 'ai-optout';
const EXECUTION = '12345678-1234-5678-abcd-12345678abcd';
const VERSION_ID = '3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY';
const BUCKET = 'aws-accelerator-config-111122223333-us-east-1';
const KEY = 'zipped/aws-accelerator-config.zip';

const S3_CONFIG: StarterConfig = {
  lzaPipelineName: LZA,
  lzaStageName: LZA_CONFIGURATION_ACTION.stageName,
  lzaActionName: LZA_CONFIGURATION_ACTION.actionName,
  pipelineName: OURS,
  sourceActionName: 'LzaConfig',
  revisionType: 'S3_OBJECT_VERSION_ID',
  expectedConfiguration: { S3Bucket: BUCKET, S3ObjectKey: KEY },
};

/** LZA's source stage as one execution records it: its own code (Source) and the configuration. */
function lzaSourceStage(configuration: Record<string, string>, variables: Record<string, string>) {
  return [
    {
      stageName: 'Source',
      actionName: 'Source',
      input: {
        configuration: {
          S3Bucket: 'aws-accelerator-installer-111122223333-us-east-1',
          S3ObjectKey: 'lza/v1.15.5.zip',
        },
      },
      output: { outputVariables: { VersionId: 'installer-code-version', ETag: 'e1' } },
    },
    {
      stageName: 'Source',
      actionName: 'Configuration',
      input: { configuration },
      output: { outputVariables: variables },
    },
    { stageName: 'Deploy', actionName: 'Organizations', input: { configuration: {} } },
  ] satisfies ScriptedActionExecution[];
}

/** The event EventBridge delivers (documented sample, CodePipeline user guide "Monitoring CodePipeline events"). */
function succeeded(executionId = EXECUTION, pipeline = LZA, state = 'SUCCEEDED') {
  return {
    version: '0',
    id: 'c2a2c4a8-5d53-4c5f-9c5b-0b5a3c4d5e6f',
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    source: 'aws.codepipeline',
    account: '111122223333',
    time: '2026-11-26T12:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:codepipeline:us-east-1:111122223333:${pipeline}`],
    detail: { pipeline, ...(executionId ? { 'execution-id': executionId } : {}), state, version: 3 },
  };
}

const codePipeline = useCodePipelineEndpoint((endpoint) => {
  endpoint.addPipeline(LZA);
  endpoint.addPipeline(OURS);
});

async function run(event: unknown, config: StarterConfig = S3_CONFIG) {
  const sink = logSink();
  const result = await startAfterLza(event, codePipeline.client, config, createLogger(sink, 'debug'));
  return { result, logs: sink.lines() };
}

describe('pipeline starter: the revision LZA deployed', () => {
  it('S3: starts ours on the VersionId the Configuration action recorded, with the LZA execution id as token', async () => {
    // Prepare
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { VersionId: VERSION_ID, ETag: 'e2' }),
    );

    // Act
    const { result, logs } = await run(succeeded());

    // Assess
    expect(codePipeline.fake.started()).toEqual([
      {
        name: OURS,
        pipelineExecutionId: result?.pipelineExecutionId,
        sourceRevisions: [
          { actionName: 'LzaConfig', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: VERSION_ID },
        ],
        clientRequestToken: EXECUTION,
      },
    ]);
    expect(result).toEqual({
      pipelineExecutionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: VERSION_ID,
    });
    const list = codePipeline.fake.calls.find((c) => c.operation === 'ListActionExecutions');
    expect(list?.input).toEqual({ pipelineName: LZA, filter: { pipelineExecutionId: EXECUTION } });
    expect(logs.at(-1)).toMatchObject({ level: 'info', revision: VERSION_ID, lzaExecutionId: EXECUTION });
  });

  it('CodeCommit: starts ours on the CommitId, matching repository and branch in the resolved configuration', async () => {
    // Prepare
    const commit = 'e0c7a1b2308ca3071aa7bab414de234ab52eea00';
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage(
        { RepositoryName: 'aws-accelerator-config', BranchName: 'main' },
        { CommitId: commit, BranchName: 'main' },
      ),
    );
    const config: StarterConfig = {
      ...S3_CONFIG,
      revisionType: 'COMMIT_ID',
      expectedConfiguration: { RepositoryName: 'aws-accelerator-config', BranchName: 'main' },
    };

    // Act
    const { result } = await run(succeeded(), config);

    // Assess
    expect(result?.revision).toBe(commit);
    expect(codePipeline.fake.started()[0]?.sourceRevisions).toEqual([
      { actionName: 'LzaConfig', revisionType: 'COMMIT_ID', revisionValue: commit },
    ]);
  });

  it('reads every page of ListActionExecutions and finds the Configuration action on the second', async () => {
    // Prepare: one action execution per page; Configuration is the second of three
    codePipeline.fake.pageSize = 1;
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { VersionId: VERSION_ID }),
    );

    // Act
    const { result } = await run(succeeded());

    // Assess
    expect(result?.revision).toBe(VERSION_ID);
    const lists = codePipeline.fake.calls.filter((c) => c.operation === 'ListActionExecutions');
    expect(lists.map((c) => c.input?.nextToken)).toEqual([undefined, '1', '2']);
    expect(lists.every((c) => c.status === 200)).toBe(true);
  });

  it('a redelivered event starts no second run (same token, same execution)', async () => {
    // Prepare
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { VersionId: VERSION_ID }),
    );

    // Act
    const first = await run(succeeded());
    const second = await run(succeeded());

    // Assess
    expect(codePipeline.fake.started()).toHaveLength(1);
    expect(second.result?.pipelineExecutionId).toBe(first.result?.pipelineExecutionId);
  });
});

describe('pipeline starter: no revision, still started on the latest, and said so', () => {
  const latest = (reason: RegExp) => async (event: unknown) => {
    const { result, logs } = await run(event);
    expect(codePipeline.fake.started()).toHaveLength(1);
    expect(codePipeline.fake.started()[0]?.sourceRevisions).toBeUndefined();
    expect(result?.revision).toBeUndefined();
    expect(result?.reason).toMatch(reason);
    const warning = logs.find((l) => l.level === 'warn');
    expect(warning?.msg).toMatch(
      /^started ai-optout on the LATEST revision, not necessarily the one AWSAccelerator-Pipeline deployed: /,
    );
    expect(String(warning?.msg)).toMatch(reason);
  };

  it('when the execution has no Configuration action', async () => {
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, {}).slice(0, 1),
    );
    await latest(/has no Source\/Configuration action/)(succeeded());
  });

  it('when the Configuration action recorded no VersionId', async () => {
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { ETag: 'e2' }),
    );
    await latest(/recorded no VersionId output variable/)(succeeded());
  });

  it('when LZA read another bucket or key than ours (its version id would not apply)', async () => {
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: 'other-bucket', S3ObjectKey: KEY }, { VersionId: VERSION_ID }),
    );
    await latest(
      /read another source than ours \(S3Bucket other-bucket, ours aws-accelerator-config-111122223333-us-east-1\)/,
    )(succeeded());
  });

  it('when the action executions cannot be read (the API refuses)', async () => {
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, {}),
    );
    codePipeline.fake.failNext(1, {
      status: 400,
      type: 'AccessDeniedException',
      message: 'not authorized',
      operation: 'ListActionExecutions',
    });
    await latest(/cannot read the execution's actions: not authorized/)(succeeded());
  });
});

describe('pipeline starter: only an execution LZA reports as its newest success', () => {
  /** Runs the event and asserts nothing started and one error line said why. */
  const refused = async (event: unknown, reason: RegExp) => {
    const { result, logs } = await run(event);
    expect(result).toBeUndefined();
    expect(codePipeline.fake.started()).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error' });
    expect(String(logs[0]?.msg)).toMatch(reason);
  };
  const configuration = () =>
    lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { VersionId: VERSION_ID });

  it('an execution id LZA never ran (a forged event): nothing starts', async () => {
    await refused(
      succeeded(),
      /^AWSAccelerator-Pipeline has no execution 12345678-1234-5678-abcd-12345678abcd; not starting ai-optout$/,
    );
    expect(codePipeline.fake.calls.map((c) => c.operation)).toEqual(['GetPipelineExecution']);
  });

  it.each(['InProgress', 'Failed', 'Stopped'] as const)(
    'an execution LZA reports %s (the event says SUCCEEDED): nothing starts',
    async (status) => {
      codePipeline.fake.addExecution(LZA, EXECUTION, configuration(), { status });
      await refused(
        succeeded(),
        new RegExp(`reports execution ${EXECUTION} as ${status}, not Succeeded; not starting ai-optout$`),
      );
    },
  );

  it('an older success replayed after a newer one (it would start ours on an old revision): nothing starts', async () => {
    const newer = 'aaaaaaaa-1234-5678-abcd-12345678abcd';
    codePipeline.fake.addExecution(LZA, EXECUTION, configuration());
    codePipeline.fake.addExecution(LZA, newer, configuration());
    await refused(
      succeeded(),
      new RegExp(`is not the newest that succeeded in ${LZA} \\(${newer} is\\); not starting`),
    );
  });

  it('a newer execution still running does not hold back the newest success', async () => {
    codePipeline.fake.addExecution(LZA, EXECUTION, configuration());
    codePipeline.fake.addExecution(LZA, 'bbbbbbbb-1234-5678-abcd-12345678abcd', configuration(), {
      status: 'InProgress',
    });
    const { result } = await run(succeeded());
    expect(result?.revision).toBe(VERSION_ID);
    expect(codePipeline.fake.started()).toHaveLength(1);
  });

  it('an event without a valid execution id: nothing starts, nothing is asked', async () => {
    for (const id of ['', 'not-an-id'])
      await refused(succeeded(id), /^the event carries no valid execution-id; not starting ai-optout$/);
    expect(codePipeline.fake.calls).toEqual([]);
  });

  it('throws when LZA cannot be asked (access denied), so the invocation is retried and nothing starts', async () => {
    codePipeline.fake.addExecution(LZA, EXECUTION, configuration());
    codePipeline.fake.failNext(1, {
      status: 400,
      type: 'AccessDeniedException',
      message: 'not authorized',
      operation: 'GetPipelineExecution',
    });
    await expect(run(succeeded())).rejects.toThrow('not authorized');
    expect(codePipeline.fake.started()).toEqual([]);
  });
});

describe('pipeline starter: what it refuses', () => {
  it('an event of another pipeline, or not SUCCEEDED, starts nothing and is logged as an error', async () => {
    for (const event of [succeeded(EXECUTION, 'Other-Pipeline'), succeeded(EXECUTION, LZA, 'FAILED'), {}]) {
      const { result, logs } = await run(event);
      expect(result).toBeUndefined();
      expect(logs.at(-1)).toMatchObject({
        level: 'error',
        msg: `not a SUCCEEDED execution of ${LZA}; not starting ${OURS}`,
      });
    }
    expect(codePipeline.fake.calls).toEqual([]);
  });

  it('throws when StartPipelineExecution fails, so Lambda retries the event', async () => {
    codePipeline.fake.addExecution(
      LZA,
      EXECUTION,
      lzaSourceStage({ S3Bucket: BUCKET, S3ObjectKey: KEY }, { VersionId: VERSION_ID }),
    );
    await expect(run(succeeded(), { ...S3_CONFIG, pipelineName: 'missing-pipeline' })).rejects.toThrow(
      'Pipeline missing-pipeline not found',
    );
  });

  it('reads its configuration from the environment the stack sets, naming a missing variable', () => {
    const env = {
      [STARTER_ENV.lzaPipelineName]: LZA,
      [STARTER_ENV.lzaStageName]: 'Source',
      [STARTER_ENV.lzaActionName]: 'Configuration',
      [STARTER_ENV.pipelineName]: OURS,
      [STARTER_ENV.sourceActionName]: 'LzaConfig',
      [STARTER_ENV.revisionType]: 'S3_OBJECT_VERSION_ID',
      [STARTER_ENV.expectedConfiguration]: JSON.stringify({ S3Bucket: BUCKET, S3ObjectKey: KEY }),
    };
    expect(readStarterConfig(env)).toEqual(S3_CONFIG);
    expect(() => readStarterConfig({ ...env, [STARTER_ENV.pipelineName]: '' })).toThrow(
      'the environment variable AI_OPTOUT_PIPELINE is not set',
    );
    expect(() => readStarterConfig({ ...env, [STARTER_ENV.revisionType]: 'IMAGE_DIGEST' })).toThrow(
      'AI_OPTOUT_REVISION_TYPE is IMAGE_DIGEST; use S3_OBJECT_VERSION_ID or COMMIT_ID',
    );
  });
});
