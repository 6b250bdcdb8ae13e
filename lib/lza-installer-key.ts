/**
 * The ARN of LZA's installer KMS key, read from the SSM parameter LZA's installer publishes, when the
 * stack is deployed.
 *
 * Why a custom resource and not a template parameter of type `AWS::SSM::Parameter::Value<String>`:
 * CloudFormation resolves such parameters when it creates the change set, with the permissions of the
 * identity that deploys. With CDK's default bootstrap that is the deploy role, whose policy reads only
 * the bootstrap version parameter (aws-cdk `packages/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml`,
 * statement `ReadVersion`: "CreateChangeSet uses this to evaluate any SSM parameters"), so a
 * `cdk deploy` on a default bootstrap would be denied. The custom resource reads the one parameter with
 * a role of its own (ssm:GetParameter on that parameter only), whoever deploys.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface LzaInstallerKeyArnProps {
  /** The SSM parameter name, such as `/accelerator/installer/kms/key-arn`. */
  readonly parameterName: string;
}

export class LzaInstallerKeyArn extends Construct {
  /** The key ARN (a CloudFormation token resolved at deploy time). */
  readonly keyArn: string;
  readonly parameterName: string;

  constructor(scope: Construct, id: string, props: LzaInstallerKeyArnProps) {
    super(scope, id);
    this.parameterName = props.parameterName;
    const parameterArn = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${props.parameterName}`;
    const read = new cr.AwsCustomResource(this, 'Read', {
      resourceType: 'Custom::LzaInstallerKeyArn',
      onUpdate: {
        service: 'SSM',
        action: 'GetParameter',
        parameters: { Name: props.parameterName },
        physicalResourceId: cr.PhysicalResourceId.of(props.parameterName),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [parameterArn] }),
      installLatestAwsSdk: false,
    });
    this.keyArn = read.getResponseField('Parameter.Value');
    acknowledgeProvider(Stack.of(this));
  }
}

/** The provider function aws-cdk-lib creates once per stack for every AwsCustomResource. */
function acknowledgeProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(
    `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
  );
  if (!provider) throw new Error('LzaInstallerKeyArn: the AwsCustomResource provider function was not found');
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "aws-cdk-lib's AwsCustomResource provider (reads LZA's installer key ARN from SSM once per deployment) writes its logs with the AWS managed basic execution policy.",
  });
}
