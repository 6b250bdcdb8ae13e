/**
 * The periodic custom AWS Config rule (`configRule: true`): once a day Config invokes a function that
 * plans the desired state the pipeline last checked (kept in the state bucket) against the organization
 * and reports every account, `AWS::::Account`, COMPLIANT or NON_COMPLIANT (lambdas/config-rule/).
 * Its role reads Organizations as the audit reconciler does, reads one object of the state bucket, and
 * sends evaluations; nothing else. It runs in the management account (settings refuse it with a
 * management-account role, which trusts the reconciler alone).
 *
 * aws-cdk-lib's CustomRule lets config.amazonaws.com invoke the function (for this account) and attaches
 * the AWS managed policy service-role/AWSConfigRulesExecutionRole to its role (aws-config/lib/rule.js).
 * Config needs a configuration recorder in the account and region (LZA enables one).
 */
import {
  aws_config as config,
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  type aws_s3 as s3,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LATEST_RUN_FILES, LATEST_RUN_PREFIX } from '../lambdas/domain/contract.ts';
import {
  acknowledgeLogStreams,
  bundledFunction,
  functionLogGroup,
  functionRole,
} from './bundled-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import { acknowledgeOrganizationsWildcards, organizationsStatements } from './permissions.ts';

export interface ConfigRuleFunctionProps {
  /** The pipeline's state bucket, where the last run keeps the desired state it checked. */
  readonly stateBucket: s3.IBucket;
}

export class ConfigRuleFunction extends Construct {
  readonly function: lambda.Function;
  readonly rule: config.CustomRule;

  constructor(scope: Construct, id: string, props: ConfigRuleFunctionProps) {
    super(scope, id);
    pinFeatureFlags(this);
    const logGroup = functionLogGroup(this);
    const role = functionRole(this, logGroup, {
      description: 'ai-optout Config rule: evaluates every account',
    });
    this.grant(role, props);
    this.function = bundledFunction(this, 'Function', 'config-rule', {
      memorySize: 512,
      timeout: Duration.minutes(10),
      role,
      logGroup,
      description:
        'ai-optout: AWS Config rule, every account COMPLIANT or NON_COMPLIANT with the AI opt-out desired state',
      environment: {
        AI_OPTOUT_STATE_BUCKET: props.stateBucket.bucketName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.rule = new config.CustomRule(this, 'Rule', {
      lambdaFunction: this.function,
      periodic: true,
      maximumExecutionFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
      description:
        "ai-optout: each account's effective AI services opt-out settings against the desired state (expect); NON_COMPLIANT names the services and the policy that decides them",
    });
    this.acknowledge(role, logGroup);
  }

  private grant(role: iam.Role, props: ConfigRuleFunctionProps): void {
    for (const statement of organizationsStatements('audit')) role.addToPolicy(statement);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLatestDesiredState',
        actions: ['s3:GetObject'],
        resources: [props.stateBucket.arnForObjects(`${LATEST_RUN_PREFIX}${LATEST_RUN_FILES.desiredState}`)],
      }),
    );
    props.stateBucket.encryptionKey?.grant(role, 'kms:Decrypt');
    // Service Authorization Reference (config): PutEvaluations has no resource type.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendEvaluations',
        actions: ['config:PutEvaluations'],
        resources: ['*'],
      }),
    );
  }

  private acknowledge(role: iam.Role, logGroup: Parameters<typeof acknowledgeLogStreams>[1]): void {
    acknowledgeOrganizationsWildcards(
      role,
      'config:PutEvaluations has no resource type in the Service Authorization Reference; the Organizations reads are those of the audit reconciler (DescribeOrganization, ListRoots and ListPolicies have no resource type; ListPolicies is limited to AISERVICES_OPT_OUT_POLICY by its condition).',
    );
    acknowledgeLogStreams(role, logGroup);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRulesExecutionRole]',
      reason:
        "aws-cdk-lib's CustomRule attaches AWS's managed policy for Config rule functions (config:Put*/Get*/List*/Describe*, s3:GetObject on Config's delivery buckets), the policy AWS documents for custom rules.",
    });
  }
}
