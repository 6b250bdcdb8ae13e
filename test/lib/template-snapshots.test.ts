/**
 * The templates of two deployments as snapshots, asset hashes scrubbed: a backstop that shows every
 * change to the infrastructure in review (the behaviour itself is asserted by the other files).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CONFIGURATIONS, synthManagementRole, synthPipeline } from './synth.ts';

describe('template snapshots (asset hashes scrubbed)', () => {
  function scrubbed(template: Template): unknown {
    const text = JSON.stringify(template.toJSON(), null, 2)
      .replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1')
      .replace(/"cdk-hnb659fds-[a-z-]+-\$\{AWS::AccountId\}-\$\{AWS::Region\}"/g, '"<bootstrap-bucket>"');
    return JSON.parse(text);
  }

  it('audit, bundled', () => {
    expect(scrubbed(synthPipeline().template)).toMatchSnapshot();
  });

  it('enforce, management-account role', () => {
    expect(
      scrubbed(synthPipeline(CONFIGURATIONS['enforce, management-account role']).template),
    ).toMatchSnapshot();
    expect(scrubbed(synthManagementRole('enforce').template)).toMatchSnapshot();
  });

  it('management-account role with Bedrock policies (enforce)', () => {
    expect(scrubbed(synthManagementRole('enforce', { bedrockPolicies: true }).template)).toMatchSnapshot();
  });
});
