/**
 * What the fidelity tests share: a desired state whose verdict hangs on the effective policies alone
 * (unmanaged policies count, never change), and AWS's effective documents written by hand in the form
 * AWS's documentation prints them (operators stripped; "Viewing effective AI services opt-out
 * policies", https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_ai-opt-out_effective.html),
 * never produced by the engine under test.
 */
import { loadDesiredState } from '../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../lambdas/domain/desired-state/types.ts';

/** The baseline opts everything out and locks what it declares; children may add services. */
export const VERIFY_YAML = `
version: 1
unmanaged: ignore
policies:
  - name: baseline
    default: optOut
    lock: declared
    targets: [root]
expect:
  optOut: all
`;

export function desiredState(yaml: string): DesiredState {
  const result = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.state;
}

export const AWS_DOCUMENTS = {
  optedOut: '{"services":{"default":{"opt_out_policy":"optOut"}}}',
  lexIn: '{"services":{"default":{"opt_out_policy":"optOut"},"lex":{"opt_out_policy":"optIn"}}}',
  lexOut: '{"services":{"lex":{"opt_out_policy":"optOut"},"default":{"opt_out_policy":"optOut"}}}',
};
