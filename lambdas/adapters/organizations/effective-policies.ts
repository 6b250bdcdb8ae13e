/**
 * What AWS itself says about the effective policies of the reader's policy type: DescribeEffectivePolicy for one
 * account, the accounts ListAccountsWithInvalidEffectivePolicy lists, and each one's
 * ListEffectivePolicyValidationErrors ([ORG-AI-EFFECTIVE-DOCUMENT], [ORG-INVALID-EFFECTIVE-POLICY]; Bedrock
 * policies are an effective-policy type too [ORG-BEDROCK-TYPE], printed as [ORG-BEDROCK-EFFECTIVE-DOCUMENT] says);
 * DescribeEffectivePolicy has no paginator, the two lists page with NextToken and MaxResults up to 20
 * [ORG-LIST-PAGES].
 */
import {
  type Account,
  AccountNotFoundException,
  DescribeEffectivePolicyCommand,
  EffectivePolicyNotFoundException,
  type EffectivePolicyValidationError,
  ListAccountsWithInvalidEffectivePolicyCommand,
  type ListAccountsWithInvalidEffectivePolicyCommandOutput,
  ListEffectivePolicyValidationErrorsCommand,
  type ListEffectivePolicyValidationErrorsCommandOutput,
  TargetNotFoundException,
} from '@aws-sdk/client-organizations';
import type { AwsValidationError } from '../../domain/planner/schema.ts';
import type { OrganizationsReader } from './reader.ts';

const PAGE_SIZE = 20;

/**
 * The account's effective policy document: `content` undefined when AWS has none
 * (EffectivePolicyNotFoundException: "the account doesn't have an effective policy of this type");
 * undefined when the account is no longer in the organization (TargetNotFoundException), so the state
 * it stood for stays unchecked rather than failing the run.
 */
export async function describeEffectivePolicy(
  reader: OrganizationsReader,
  accountId: string,
): Promise<{ content: string | undefined } | undefined> {
  try {
    const response = await reader.call('DescribeEffectivePolicy', (client) =>
      client.send(
        new DescribeEffectivePolicyCommand({
          PolicyType: reader.organizationsType,
          TargetId: accountId,
        }),
      ),
    );
    return { content: response.EffectivePolicy?.PolicyContent };
  } catch (error) {
    if (error instanceof EffectivePolicyNotFoundException) return { content: undefined };
    if (error instanceof TargetNotFoundException) return undefined;
    throw error;
  }
}

/**
 * The accounts AWS lists with an invalid effective policy (id and name only: the
 * response's e-mail addresses are never kept). EffectivePolicyNotFoundException is no such account.
 */
export async function listAccountsWithInvalidEffectivePolicy(
  reader: OrganizationsReader,
): Promise<{ accountId: string; accountName: string }[]> {
  try {
    const accounts = await reader.paginate<ListAccountsWithInvalidEffectivePolicyCommandOutput, Account>(
      'ListAccountsWithInvalidEffectivePolicy',
      (client, NextToken) =>
        client.send(
          new ListAccountsWithInvalidEffectivePolicyCommand({
            PolicyType: reader.organizationsType,
            NextToken,
            MaxResults: PAGE_SIZE,
          }),
        ),
      (page) => page.Accounts,
    );
    return accounts.flatMap((a) => (a.Id ? [{ accountId: a.Id, accountName: a.Name ?? '' }] : []));
  } catch (error) {
    if (error instanceof EffectivePolicyNotFoundException) return [];
    throw error;
  }
}

/**
 * AWS's validation errors of one account's effective policy; undefined when the account is
 * no longer in the organization (AccountNotFoundException: it left between the listing and this call).
 */
export async function listEffectivePolicyValidationErrors(
  reader: OrganizationsReader,
  accountId: string,
): Promise<AwsValidationError[] | undefined> {
  try {
    const errors = await reader.paginate<
      ListEffectivePolicyValidationErrorsCommandOutput,
      EffectivePolicyValidationError
    >(
      'ListEffectivePolicyValidationErrors',
      (client, NextToken) =>
        client.send(
          new ListEffectivePolicyValidationErrorsCommand({
            AccountId: accountId,
            PolicyType: reader.organizationsType,
            NextToken,
            MaxResults: PAGE_SIZE,
          }),
        ),
      (page) => page.EffectivePolicyValidationErrors,
    );
    return errors.map((e) => ({
      errorCode: e.ErrorCode ?? 'UNKNOWN',
      ...(e.ErrorMessage ? { errorMessage: e.ErrorMessage } : {}),
      ...(e.PathToError ? { pathToError: e.PathToError } : {}),
      contributingPolicies: e.ContributingPolicies ?? [],
    }));
  } catch (error) {
    if (error instanceof EffectivePolicyNotFoundException) return [];
    if (error instanceof AccountNotFoundException) return undefined;
    throw error;
  }
}
