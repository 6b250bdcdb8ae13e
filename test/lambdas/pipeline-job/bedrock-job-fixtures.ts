/**
 * The Bedrock set-up the pipeline-job tests share: the management account's two guardrails, the example
 * desired state with a Bedrock policy enforcing them on Workloads/Prod, the guardrails shared through the
 * proxy's stand-in, the Bedrock policies as moto holds them, and one enforce run of a file.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import { runJob } from '../../../lambdas/pipeline-job/job.ts';
import { stateStores } from '../../../lambdas/pipeline-job/job-run.ts';
import { EXAMPLE_YAML } from '../../support/example-desired-state.ts';
import type { MotoOrg } from '../../support/moto-org.ts';
import { STAND_IN_TYPE } from '../../support/policy-type-stand-in.ts';
import { emulators, harness, job } from './job-harness.ts';
import { STATE_BUCKET } from './pipeline-fixtures.ts';

/** The guardrail ARNs of the management account, one per Region the section declares. */
export const guardrails = (org: MotoOrg) => ({
  east: `arn:aws:bedrock:us-east-1:${org.managementAccountId}:guardrail/east1guard`,
  west: `arn:aws:bedrock:eu-west-1:${org.managementAccountId}:guardrail/west1guard`,
});

/**
 * The example desired state with a Bedrock policy on Workloads/Prod enforcing both guardrails; with
 * `expect`, also the rule that Workloads/Prod's accounts are held to the east guardrail's version 3 or later
 * (what AWS's answer on a Bedrock effective policy is checked against).
 */
export function bedrockYaml(org: MotoOrg, options: { expect?: boolean } = {}): string {
  const { east, west } = guardrails(org);
  const rule = `  expect:
    guardrails:
      - target: { ou: Workloads/Prod }
        regions:
          us-east-1: { guardrail: "${east}", minVersion: 3 }
`;
  return `${EXAMPLE_YAML}
bedrock:
  policies:
    - name: bedrock-guardrails-production
      guardrails:
        us-east-1: { guardrail: "${east}", version: 3 }
        eu-west-1: { guardrail: "${west}", version: 1 }
      targets:
        - ou: Workloads/Prod
${options.expect ? rule : ''}`;
}

/** Both guardrails exist at the declared versions and are shared with the organization. */
export async function shareGuardrails(org: MotoOrg): Promise<void> {
  const env = emulators();
  const organizationId = (await env.admin.send(new DescribeOrganizationCommand({}))).Organization?.Id;
  for (const [arn, version] of [
    [guardrails(org).east, '3'],
    [guardrails(org).west, '1'],
  ] as const) {
    const resourcePolicy = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'bedrock:ApplyGuardrail',
        Resource: arn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    });
    env.proxy.guardrails.guardrails.set(arn, { versions: { [version]: {} }, resourcePolicy });
  }
}

/** The Bedrock policies as moto holds them (the proxy sends them to moto as the stand-in type). */
export async function bedrockPolicies(): Promise<
  { id: string; name?: string; content: string; targets: string[] }[]
> {
  const { admin } = emulators();
  const listed = await admin.send(new ListPoliciesCommand({ Filter: STAND_IN_TYPE }));
  return Promise.all(
    (listed.Policies ?? []).map(async (p) => {
      const described = await admin.send(new DescribePolicyCommand({ PolicyId: p.Id }));
      const targets = await admin.send(new ListTargetsForPolicyCommand({ PolicyId: p.Id }));
      return {
        id: p.Id as string,
        ...(p.Name ? { name: p.Name } : {}),
        content: described.Policy?.Content as string,
        targets: (targets.Targets ?? []).map((t) => t.TargetId as string),
      };
    }),
  );
}

/** Runs one enforce job of `yaml` (with the state bucket); returns its harness and event. */
export async function enforce(yaml: string, failOn = 'drift', output = false) {
  const env = emulators();
  const h = harness({ modeCeiling: 'enforce', bedrockPolicies: true });
  h.deps.stateBucket = stateStores(env.adminS3, STATE_BUCKET);
  const { event, outputKey } = await job({
    files: { 'ai-optout.yaml': yaml },
    userParameters: { mode: 'enforce', failOn },
    output,
  });
  await runJob(event, h.context, h.deps);
  return { h, event, outputKey };
}
