/**
 * The periodic custom AWS Config rule (`configRule: true`): once a day Config invokes a function that
 * plans the desired state the pipeline last checked (kept in the state bucket) against the organization
 * and reports every account, `AWS::::Account`, COMPLIANT or NON_COMPLIANT (lambdas/config-rule/).
 * Its role reads Organizations as the audit reconciler does, reads one object of the state bucket, and
 * sends evaluations; nothing else. It runs in the management account (settings refuse it with a
 * management-account role, which trusts the reconciler alone).
 *
 * The rule is the CloudFormation resource itself, not aws-cdk-lib's CustomRule, which attaches the AWS
 * managed policy service-role/AWSConfigRulesExecutionRole (config:Put* on every resource, and more) to
 * the function's role (aws-config/lib/rule.js): the role here sends evaluations (config:PutEvaluations)
 * and nothing else of Config. Config may invoke the function for this account's rules only: the Lambda
 * permission carries aws:SourceAccount and an aws:SourceArn of this account's and region's Config
 * rules. The rule's own ARN cannot be named there: Config checks at PutConfigRule that it may invoke
 * the function, so the permission exists before the rule, and a rule's ARN ends with an id Config
 * assigns (`config-rule/config-rule-<id>`) [CONFIG-PERMISSION-BEFORE-RULE].
 * Config needs a configuration recorder in the account and region (LZA enables one).
 */
import {
  Aws,
  aws_config as config,
  Duration,
  aws_iam as iam,
  aws_lambda as lambda,
  Stack,
  type aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CONFIG_RULE_VARIABLES } from '../lambdas/runtime/config-rule-environment.ts';
import { writeVariables } from '../lambdas/runtime/environment.ts';
import { LATEST_RUN_FILES } from '../lambdas/runtime/state-bucket.ts';
import {
  acknowledgeLogStreams,
  bundledFunction,
  functionLogGroup,
  functionRole,
} from './bundled-function.ts';
import { pinFeatureFlags } from './feature-flags.ts';
import {
  acknowledgeOrganizationsWildcards,
  type GrantOptions,
  managedTypeNames,
  organizationsStatements,
} from './permissions.ts';
import { stateObjectsArn } from './state-bucket.ts';

export interface ConfigRuleFunctionProps {
  /** The pipeline's state bucket, where the last run keeps the desired state it checked. */
  readonly stateBucket: s3.IBucket;
  /**
   * Read Amazon Bedrock policies and the management account's guardrails too, as the audit reconciler
   * does. Sets AI_OPTOUT_BEDROCK_POLICIES; without it the rule fails a run on a `bedrock:` section.
   * @default false
   */
  readonly bedrockPolicies?: boolean;
}

export class ConfigRuleFunction extends Construct {
  readonly function: lambda.Function;
  readonly rule: config.CfnConfigRule;

  constructor(scope: Construct, id: string, props: ConfigRuleFunctionProps) {
    super(scope, id);
    pinFeatureFlags(this);
    const logGroup = functionLogGroup(this);
    const role = functionRole(this, logGroup, {
      description: 'ai-optout Config rule: evaluates every account',
    });
    const bedrockPolicies = props.bedrockPolicies ?? false;
    const options: GrantOptions = { bedrockPolicies };
    this.grant(role, props, options);
    this.function = bundledFunction(this, 'Function', 'config-rule', {
      memorySize: 512,
      timeout: Duration.minutes(10),
      role,
      logGroup,
      description:
        'ai-optout: AWS Config rule, every account COMPLIANT or NON_COMPLIANT with the AI opt-out desired state',
      environment: writeVariables(CONFIG_RULE_VARIABLES, {
        stateBucket: props.stateBucket.bucketName,
        bedrockPolicies,
      }),
    });
    this.rule = this.createRule();
    this.acknowledge(role, logGroup, options);
  }

  /** The periodic custom Lambda rule, created after Config's permission to invoke the function. */
  private createRule(): config.CfnConfigRule {
    const permission = new lambda.CfnPermission(this, 'ConfigInvokes', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: Aws.ACCOUNT_ID,
      sourceArn: Stack.of(this).formatArn({
        service: 'config',
        resource: 'config-rule',
        resourceName: 'config-rule-*',
      }),
    });
    const rule = new config.CfnConfigRule(this, 'Rule', {
      description:
        "ai-optout: each account's effective AI services opt-out settings against the desired state (expect); NON_COMPLIANT names the services and the policy that decides them",
      maximumExecutionFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
      source: {
        owner: 'CUSTOM_LAMBDA',
        sourceIdentifier: this.function.functionArn,
        sourceDetails: [
          {
            eventSource: 'aws.config',
            messageType: 'ScheduledNotification',
            maximumExecutionFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS,
          },
        ],
      },
    });
    rule.addDependency(permission);
    return rule;
  }

  private grant(role: iam.Role, props: ConfigRuleFunctionProps, options: GrantOptions): void {
    for (const statement of organizationsStatements('audit', options)) role.addToPolicy(statement);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLatestDesiredState',
        actions: ['s3:GetObject'],
        resources: [stateObjectsArn(props.stateBucket, 'latestRun', LATEST_RUN_FILES.desiredState)],
      }),
    );
    props.stateBucket.encryptionKey?.grant(role, 'kms:Decrypt');
    // PutEvaluations has no resource type [IAM-SAR-CONFIG].
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SendEvaluations',
        actions: ['config:PutEvaluations'],
        resources: ['*'],
      }),
    );
  }

  private acknowledge(
    role: iam.Role,
    logGroup: Parameters<typeof acknowledgeLogStreams>[1],
    options: GrantOptions,
  ): void {
    acknowledgeOrganizationsWildcards(role, {
      ...options,
      wildcardReason: `config:PutEvaluations has no resource type in the Service Authorization Reference; the Organizations reads are those of the audit reconciler (DescribeOrganization, ListRoots and ListPolicies have no resource type; ListPolicies is limited to ${managedTypeNames(options)} by its condition).`,
    });
    acknowledgeLogStreams(role, logGroup);
  }
}
