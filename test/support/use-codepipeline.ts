/**
 * The fake CodePipeline job API (codepipeline-endpoint.ts) for a test file: started once, reset before
 * each test (then `setup` runs, such as adding the pipelines the tests start), stopped at the end.
 */
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type CodePipelineEndpoint,
  codePipelineClientFor,
  startCodePipelineEndpoint,
} from './codepipeline-endpoint.ts';

export interface UsedCodePipeline {
  readonly fake: CodePipelineEndpoint;
  /** A client of the real SDK pointed at the fake. */
  readonly client: CodePipelineClient;
}

export function useCodePipelineEndpoint(
  setup: (fake: CodePipelineEndpoint) => void = () => {},
): UsedCodePipeline {
  let fake: CodePipelineEndpoint | undefined;
  let client: CodePipelineClient | undefined;
  beforeAll(async () => {
    fake = await startCodePipelineEndpoint();
    client = codePipelineClientFor(fake);
  });
  afterAll(async () => {
    client?.destroy();
    await fake?.stop();
  });
  beforeEach(() => {
    fake?.reset();
    if (fake) setup(fake);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the fake CodePipeline endpoint is used before beforeAll');
    return value;
  };
  return {
    get fake() {
      return started(fake);
    },
    get client() {
      return started(client);
    },
  };
}
