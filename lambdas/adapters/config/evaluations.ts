/**
 * AWS Config's PutEvaluations: the evaluations sent with the invocation's result token, 100 per call
 * [CONFIG-PUT-EVALUATIONS]. An evaluation Config refuses
 * comes back in FailedEvaluations while the call succeeds: that fails the invocation. `testMode` sends
 * TestMode, with which Config (and moto, which implements nothing else) records nothing.
 */
import {
  type ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { ServiceUnavailableError } from '../../domain/errors.ts';
import type { AccountEvaluation } from '../../domain/evaluations.ts';
import { translateAwsError } from '../aws/errors.ts';

const BATCH = 100;

export async function putEvaluations(
  client: ConfigServiceClient,
  request: { resultToken: string; evaluations: readonly AccountEvaluation[]; testMode?: boolean },
): Promise<number> {
  for (let i = 0; i < request.evaluations.length; i += BATCH) {
    const batch: Evaluation[] = request.evaluations.slice(i, i + BATCH);
    let failed: Evaluation[];
    try {
      const result = await client.send(
        new PutEvaluationsCommand({
          ResultToken: request.resultToken,
          Evaluations: batch,
          ...(request.testMode ? { TestMode: true } : {}),
        }),
      );
      failed = result.FailedEvaluations ?? [];
    } catch (error) {
      throw translateAwsError(error, 'PutEvaluations', 'config');
    }
    if (failed.length > 0)
      throw new ServiceUnavailableError(
        `AWS Config refused ${failed.length} of ${batch.length} evaluations (first: ${failed[0]?.ComplianceResourceId})`,
      );
  }
  return request.evaluations.length;
}
