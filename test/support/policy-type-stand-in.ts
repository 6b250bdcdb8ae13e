/**
 * moto 5.2.1 has no BEDROCK_POLICY: EnablePolicyType, CreatePolicy and ListPolicies answer
 * InvalidInputException ("You specified an invalid value.") for it. The fault proxy sends it to moto as
 * TAG_POLICY, a declarative type moto stores without reading its content and that this project never
 * manages, and turns moto's answers back: the type's name in every JSON request and response body, and
 * its lower-case segment in policy ARNs (`tag_policy` for `bedrock_policy`). The reader and the applier
 * then create, tag, attach, list and describe Bedrock policies through moto, as through AWS.
 * DescribeEffectivePolicy is not moto's (effective-policy-model.ts).
 */
import { BEDROCK_POLICY_TYPE } from '../../lambdas/domain/policy-types/bedrock/facts.ts';

/** The type moto stores in its place. */
export const STAND_IN_TYPE = 'TAG_POLICY';

const swap = (text: string, from: string, to: string) => text.split(`"${from}"`).join(`"${to}"`);

/** A request body for moto: BEDROCK_POLICY written as the stand-in type. */
export function toMoto(body: Buffer): Buffer {
  const text = body.toString('utf8');
  return text.includes(BEDROCK_POLICY_TYPE)
    ? Buffer.from(swap(text, BEDROCK_POLICY_TYPE, STAND_IN_TYPE))
    : body;
}

/** moto's answer with the stand-in type, and its ARN segment, named BEDROCK_POLICY again. */
export function fromMoto(body: Buffer): Buffer {
  const text = body.toString('utf8');
  if (!text.includes(STAND_IN_TYPE) && !text.includes('/tag_policy/')) return body;
  return Buffer.from(
    swap(text, STAND_IN_TYPE, BEDROCK_POLICY_TYPE).split('/tag_policy/').join('/bedrock_policy/'),
  );
}
