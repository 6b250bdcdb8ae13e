/**
 * The CDK feature flags this package's templates depend on, pinned on its own constructs so they
 * synthesize the same in any app: one with this repository's cdk.json, one with none, one whose
 * cdk.json predates these flags. A flag is read from the context of the construct that asks and its
 * parents (FeatureFlags.of(scope) → scope.node.tryGetContext), so setting it on our construct decides
 * it for everything below it and for nothing of the consumer's.
 */
import { cx_api } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

const PINNED_FLAGS: Readonly<Record<string, boolean>> = {
  // Server access logs delivered through a bucket policy: with the flag off, CDK grants delivery by the
  // LogDeliveryWrite ACL, which an access-log bucket with BUCKET_OWNER_ENFORCED ownership refuses at synth.
  [cx_api.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true,
  // Policy statements merged the same way whatever the app says (the cdk-nag acknowledgements and the
  // template snapshots are written against the merged form).
  [cx_api.IAM_MINIMIZE_POLICIES]: true,
  // Grants added to the function's role (the invoke action's codepipeline:PutJob*Result) go into its
  // default policy, as the template snapshots and the IAM simulation expect, not into a policy of their own.
  [cx_api.LAMBDA_CREATE_NEW_POLICIES_WITH_ADDTOROLEPOLICY]: false,
  // The custom resource that reads LZA's installer key ARN from SSM gets a log group with a retention
  // (not one Lambda creates on first write and keeps forever), and does not log the API's response.
  [cx_api.USE_CDK_MANAGED_LAMBDA_LOGGROUP]: true,
  [cx_api.LOG_API_RESPONSE_DATA_PROPERTY_TRUE_DEFAULT]: false,
};

/** Pins the flags on `scope`; call first in its constructor (context can be set only before children exist). */
export function pinFeatureFlags(scope: Construct): void {
  for (const [flag, value] of Object.entries(PINNED_FLAGS)) scope.node.setContext(flag, value);
}
