import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../../lambdas/domain/desired-state/loader.ts';
import type { DesiredState } from '../../../lambdas/domain/desired-state/types.ts';
import { ConfigurationError } from '../../../lambdas/domain/errors.ts';
import { type Change, type Plan, plan } from '../../../lambdas/domain/planner.ts';
import { renderPolicyDocument } from '../../../lambdas/domain/policy-types/ai-optout/document.ts';
import { exampleDesiredState } from '../../support/example-desired-state.ts';
import { examplePlan } from '../../support/example-plan.ts';
import { entry, OrgBuilder } from '../../support/org-builder.ts';

function desired(yaml: string): DesiredState {
  const result = loadDesiredState(yaml, { file: 'ai-optout.yaml' });
  if (!result.ok)
    throw new Error(result.diagnostics.map((d) => `${d.location.line}: ${d.message}`).join('\n'));
  return result.state;
}

const BASELINE_YAML = `
version: 1
policies:
  - name: baseline
    description: baseline
    default: optOut
    targets: [root]
expect:
  optOut: all
`;
const BASELINE_CONTENT = renderPolicyDocument({ default: 'optOut', lock: 'all' });

/** A small LZA-like organization. */
function lzaOrg(): OrgBuilder {
  return new OrgBuilder()
    .account('management')
    .account('log-archive', 'Security')
    .account('prod-app', 'Workloads/Prod')
    .account('dev-app', 'Workloads/Dev')
    .account('sandbox-1', 'Sandbox')
    .account('sandbox-2', 'Sandbox');
}

function actions(result: Plan): string[] {
  return result.changes.map((c) => [c.action, c.policy, c.target?.path].filter(Boolean).join(' '));
}

function planError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('plan: a fresh organization', () => {
  const org = lzaOrg().withPolicyType(undefined);
  const result = plan(desired(BASELINE_YAML), org.build());

  it('enables the type, creates and attaches the policy, in that order', () => {
    expect(actions(result)).toEqual([
      'enable-policy-type Root',
      'create-policy baseline',
      'attach-policy baseline Root',
    ]);
    const create = result.changes[1] as Change;
    expect(create.content).toBe(BASELINE_CONTENT);
    expect(create.description).toBe('baseline');
    expect(create.policyId).toBeUndefined();
  });

  it('previews every account going from unset to optOut', () => {
    expect(result.effectiveChanges).toHaveLength(6);
    for (const change of result.effectiveChanges)
      expect(change).toMatchObject({ service: 'default', from: 'unset', to: 'optOut' });
    expect(result.effectiveChanges.find((c) => c.accountName === 'prod-app')?.path).toBe(
      'Root/Workloads/Prod',
    );
  });

  it('reports every account as violating expect today, with no cause', () => {
    expect(result.violations).toHaveLength(6);
    expect(result.violations[0]).toMatchObject({
      service: 'default',
      expected: 'optOut',
      actual: 'unset',
      cause: 'none',
    });
    expect(result.verdict).toBe('drift');
    expect(result.accounts).toEqual({ total: 6, compliant: 0, nonCompliant: 6 });
  });
});

describe('plan: in sync', () => {
  it('has no change, no effective change, no violation', () => {
    const org = lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], {
      managed: true,
      description: 'baseline',
    });
    const result = plan(desired(BASELINE_YAML), org.build());
    expect(result.changes).toEqual([]);
    expect(result.effectiveChanges).toEqual([]);
    expect(result.violations).toEqual([]);
    expect(result.verdict).toBe('in-sync');
    expect(result.accounts).toEqual({ total: 6, compliant: 6, nonCompliant: 0 });
    expect(result.summary).toMatch(/^in-sync/);
  });

  it('treats whitespace and key order in the stored content as no difference', () => {
    const pretty = JSON.stringify(JSON.parse(BASELINE_CONTENT), null, 2);
    const org = lzaOrg().policy('baseline', pretty, ['root'], { managed: true, description: 'baseline' });
    expect(plan(desired(BASELINE_YAML), org.build()).changes).toEqual([]);
  });
});

describe('plan: out-of-band changes to managed policies', () => {
  it('content edited: update-policy, and the preview shows what the edit had changed', () => {
    const edited = JSON.stringify({ services: { default: entry('optOut'), lex: entry('optIn') } });
    const org = lzaOrg().policy('baseline', edited, ['root'], { managed: true, description: 'baseline' });
    const result = plan(desired(BASELINE_YAML), org.build());
    expect(actions(result)).toEqual(['update-policy baseline']);
    expect(result.changes[0]?.detail).toMatch(/content of baseline differs/);
    expect(result.changes[0]?.content).toBe(BASELINE_CONTENT);
    expect(
      result.effectiveChanges.every((c) => c.service === 'lex' && c.from === 'optIn' && c.to === 'optOut'),
    ).toBe(true);
    expect(result.violations.map((v) => v.service)).toEqual(Array(6).fill('lex'));
  });

  it('description edited: update-policy naming the description', () => {
    const org = lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], {
      managed: true,
      description: 'changed by hand',
    });
    const result = plan(desired(BASELINE_YAML), org.build());
    expect(actions(result)).toEqual(['update-policy baseline']);
    expect(result.changes[0]?.detail).toMatch(/description of baseline differs/);
    expect(result.effectiveChanges).toEqual([]);
  });

  it('detached from a declared target: attach-policy', () => {
    const org = lzaOrg().policy('baseline', BASELINE_CONTENT, [], {
      managed: true,
      description: 'baseline',
      id: 'p-baseline1',
    });
    const result = plan(desired(BASELINE_YAML), org.build());
    expect(actions(result)).toEqual(['attach-policy baseline Root']);
    expect(result.changes[0]?.policyId).toBe('p-baseline1');
  });

  it('attached to an undeclared target: detach-policy', () => {
    const org = lzaOrg().policy('baseline', BASELINE_CONTENT, ['root', 'Sandbox'], {
      managed: true,
      description: 'baseline',
    });
    expect(actions(plan(desired(BASELINE_YAML), org.build()))).toEqual([
      'detach-policy baseline Root/Sandbox',
    ]);
  });

  it('no longer declared: detached everywhere, then deleted', () => {
    const org = lzaOrg()
      .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'baseline' })
      .policy('old', { services: { lex: entry('optOut') } }, ['Sandbox', 'prod-app'], { managed: true });
    expect(actions(plan(desired(BASELINE_YAML), org.build()))).toEqual([
      'detach-policy old Root/Sandbox',
      'detach-policy old Root/Workloads/Prod/prod-app',
      'delete-policy old',
    ]);
  });
});

describe('plan: unmanaged policies', () => {
  const rogueIn = { services: { comprehend: entry('optIn') } };
  function org() {
    return lzaOrg()
      .policy('baseline', renderPolicyDocument({ default: 'optOut', lock: 'declared' }), ['root'], {
        managed: true,
        description: 'baseline',
      })
      .policy('rogue-ou', rogueIn, ['Sandbox'], { id: 'p-rogueou1' })
      .policy(
        'rogue-account',
        { services: { polly: entry('optIn', { lockEntry: true, lockSetting: true }) } },
        ['prod-app'],
      )
      .policy('rogue-default', { services: { default: entry('optIn') } }, ['dev-app']);
  }
  const yaml = (mode: string) =>
    BASELINE_YAML.replace('version: 1', `version: 1\nunmanaged: ${mode}`).replace(
      'description: baseline',
      'description: baseline\n    lock: declared',
    );

  it('report: one finding per attachment; their effect counts as violations', () => {
    const snapshot = org().build();
    const result = plan(desired(yaml('report')), snapshot);
    expect(actions(result)).toEqual([
      'unmanaged-policy rogue-account Root/Workloads/Prod/prod-app',
      'unmanaged-policy rogue-default Root/Workloads/Dev/dev-app',
      'unmanaged-policy rogue-ou Root/Sandbox',
    ]);
    const sandboxRoot = snapshot.organizationalUnits.find((o) => o.name === 'Sandbox')?.id;
    expect(result.violations.map((v) => `${v.accountName}:${v.service}:${v.actual}`).sort()).toEqual([
      'prod-app:polly:optIn',
      'sandbox-1:comprehend:optIn',
      'sandbox-2:comprehend:optIn',
    ]);
    expect(result.violations.find((v) => v.accountName === 'sandbox-1')?.cause).toBe(
      `p-rogueou1@${sandboxRoot}`,
    );
    expect(result.violations.find((v) => v.accountName === 'sandbox-1')?.causeDetail).toBe(
      'rogue-ou on Root/Sandbox',
    );
    expect(result.effectiveChanges).toEqual([]);
  });

  it('a rogue default optIn blocked by the declared lock has no effect and is no violation', () => {
    const result = plan(desired(yaml('report')), org().build());
    expect(result.violations.some((v) => v.accountName === 'dev-app')).toBe(false);
  });

  it('detach: detach-policy for each attachment, and the preview shows the accounts it fixes', () => {
    const result = plan(desired(yaml('detach')), org().build());
    expect(actions(result)).toEqual([
      'detach-policy rogue-account Root/Workloads/Prod/prod-app',
      'detach-policy rogue-default Root/Workloads/Dev/dev-app',
      'detach-policy rogue-ou Root/Sandbox',
    ]);
    expect(
      result.effectiveChanges.map((c) => `${c.accountName}:${c.service}:${c.from}->${c.to}`).sort(),
    ).toEqual([
      'prod-app:polly:optIn->optOut',
      'sandbox-1:comprehend:optIn->optOut',
      'sandbox-2:comprehend:optIn->optOut',
    ]);
    expect(result.changes.every((c) => !c.action.startsWith('delete'))).toBe(true);
  });

  it('ignore: no finding, but violations are still computed', () => {
    const result = plan(desired(yaml('ignore')), org().build());
    expect(result.changes).toEqual([]);
    expect(result.violations).toHaveLength(3);
    expect(result.verdict).toBe('drift');
  });

  it('ignore with harmless unmanaged policies is in sync', () => {
    const snapshot = lzaOrg()
      .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'baseline' })
      .policy('harmless', { services: { lex: entry('optOut') } }, ['Sandbox'])
      .build();
    expect(plan(desired(yaml('ignore').replace('\n    lock: declared', '')), snapshot).verdict).toBe(
      'in-sync',
    );
  });

  it('malformed unmanaged content becomes a warning', () => {
    const snapshot = lzaOrg()
      .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'baseline' })
      .policy('guide', '{"services":{"default":{"opt_out_policy":{"@@assign":"OptOut"}}}}', ['Sandbox'], {
        id: 'p-guide001',
      })
      .build();
    const result = plan(desired(BASELINE_YAML), snapshot);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'malformed-policy',
        policyId: 'p-guide001',
        message: expect.stringContaining('"OptOut"'),
      }),
    ]);
  });
});

describe('plan: ownership', () => {
  const untagged = () =>
    lzaOrg().policy('baseline', { services: { default: entry('optOut') } }, ['root'], { id: 'p-manual01' });

  it('an untagged policy with a declared name is a configuration error naming it', () => {
    const error = planError(() => plan(desired(BASELINE_YAML), untagged().build()));
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]).toMatchObject({
      code: 'name-conflict',
      location: { file: 'ai-optout.yaml', line: 4, col: 11 },
      message: expect.stringContaining('p-manual01'),
      hint: expect.stringContaining('adopt: true'),
    });
  });

  it('adopt: true tags it and replaces its content, with no new policy', () => {
    const result = plan(
      desired(BASELINE_YAML.replace('default: optOut', 'default: optOut\n    adopt: true')),
      untagged().build(),
    );
    expect(actions(result)).toEqual(['adopt-policy baseline']);
    expect(result.changes[0]).toMatchObject({ policyId: 'p-manual01', content: BASELINE_CONTENT });
    expect(result.changes[0]?.detail).toMatch(/tag baseline as managed and replace its content/);
  });
});

describe('plan: the detail of each content change, word for word', () => {
  const edited = JSON.stringify({ services: { default: entry('optOut'), lex: entry('optIn') } });
  const detail = (yaml: string, org: OrgBuilder) => {
    const result = plan(desired(yaml), org.build());
    return result.changes.map((c) => `${c.action}: ${c.detail}`);
  };
  const ADOPT = BASELINE_YAML.replace('default: optOut', 'default: optOut\n    adopt: true');

  it.each<[string, string, OrgBuilder, string[]]>([
    [
      'a new policy: its settings and lock',
      BASELINE_YAML,
      lzaOrg(),
      ['create-policy: create baseline (default optOut; lock all)', 'attach-policy: attach baseline to Root'],
    ],
    [
      'a new policy of services only',
      BASELINE_YAML.replace(
        'default: optOut',
        'services: { lex: optOut, comprehend: optOut }\n    lock: none',
      ).replace('expect:\n  optOut: all\n', ''),
      lzaOrg(),
      [
        'create-policy: create baseline (lex optOut, comprehend optOut; lock none)',
        'attach-policy: attach baseline to Root',
      ],
    ],
    [
      'content and description edited',
      BASELINE_YAML,
      lzaOrg().policy('baseline', edited, ['root'], { managed: true, description: 'x' }),
      ['update-policy: content and description of baseline differ from the desired state'],
    ],
    [
      'content edited',
      BASELINE_YAML,
      lzaOrg().policy('baseline', edited, ['root'], { managed: true, description: 'baseline' }),
      ['update-policy: content of baseline differs from the desired state'],
    ],
    [
      'description edited',
      BASELINE_YAML,
      lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'x' }),
      ['update-policy: description of baseline differs from the desired state'],
    ],
    [
      'adopted as it is',
      ADOPT,
      lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], { description: 'baseline' }),
      ['adopt-policy: tag baseline as managed'],
    ],
    [
      'adopted, its description replaced',
      ADOPT,
      lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], { description: 'x' }),
      ['adopt-policy: tag baseline as managed and description'],
    ],
    [
      'adopted, its content and description replaced',
      ADOPT,
      lzaOrg().policy('baseline', edited, ['root'], { description: 'x' }),
      ['adopt-policy: tag baseline as managed and replace its content and description'],
    ],
  ])('%s', (_, yaml, org, details) => {
    expect(detail(yaml, org)).toEqual(details);
  });

  it('two policies of the name, and an untagged one: errors naming them', () => {
    const twice = lzaOrg()
      .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, id: 'p-twice0001' })
      .policy('baseline', BASELINE_CONTENT, [], { id: 'p-twice0002' });
    expect(planError(() => plan(desired(BASELINE_YAML), twice.build())).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'ambiguous-policy-name',
        location: { file: 'ai-optout.yaml', line: 4, col: 11 },
        message: '2 AI opt-out policies in the organization are named baseline (p-twice0001, p-twice0002)',
        hint: 'rename or delete the extra ones so the name identifies one policy',
      },
    ]);
    const untagged = lzaOrg().policy('baseline', BASELINE_CONTENT, ['root'], { id: 'p-manual01' });
    expect(planError(() => plan(desired(BASELINE_YAML), untagged.build())).diagnostics[0]).toMatchObject({
      code: 'name-conflict',
    });
    expect(planError(() => plan(desired(BASELINE_YAML), untagged.build())).diagnostics[0]?.message).toBe(
      'an AI opt-out policy named baseline already exists (p-manual01) and is not tagged ai-optout:managed=true',
    );
  });
});

describe("plan: the demo's changes, word for word", () => {
  it('in apply order, each with the detail the report shows', () => {
    expect(examplePlan().changes.map((c) => `${c.action}: ${c.detail}`)).toEqual([
      'create-policy: create ai-optout-sandbox-exception (lex optIn, rekognition optIn; lock none)',
      'update-policy: content and description of ai-optout-baseline differ from the desired state',
      'attach-policy: attach ai-optout-sandbox-exception to Root/Sandbox',
      'detach-policy: detach ai-optout-legacy-lex, which is no longer declared, from Root/Infrastructure',
      'detach-policy: detach ai-optout-production from Root/Infrastructure, which the desired state does not target',
      'delete-policy: delete ai-optout-legacy-lex: tagged as managed but no longer declared',
      'unmanaged-policy: unmanaged policy AIOptOutFromGuide is attached to Root/Suspended; apply leaves it (unmanaged: report)',
      'unmanaged-policy: unmanaged policy dev-experiments is attached to data-dev (347960518243); apply leaves it (unmanaged: report)',
      'unmanaged-policy: unmanaged policy sandbox-comprehend-optin is attached to Root/Sandbox; apply leaves it (unmanaged: report)',
    ]);
  });

  it('unmanaged: detach detaches each unmanaged policy from each of its targets', () => {
    // The demo's file without its expect (the rogue policy would break it), detaching what it does not declare.
    const detaching = { ...exampleDesiredState(), unmanaged: 'detach' as const, expect: undefined };
    const snapshot = lzaOrg()
      .policy('rogue', { services: { lex: entry('optIn') } }, ['Sandbox', 'root'])
      .build();
    const result = plan(detaching, snapshot);
    expect(result.changes.filter((c) => c.policy === 'rogue').map((c) => `${c.action}: ${c.detail}`)).toEqual(
      [
        'detach-policy: detach unmanaged policy rogue from Root (unmanaged: detach)',
        'detach-policy: detach unmanaged policy rogue from Root/Sandbox (unmanaged: detach)',
      ],
    );
  });
});

describe('plan: targets', () => {
  it('resolves OU paths with or without Root/, OU ids, account ids and names', () => {
    const org = lzaOrg();
    const sandboxId = org.idOf('Sandbox');
    const devId = org.idOf('dev-app');
    const yaml = `
version: 1
policies:
  - name: p
    default: optOut
    targets:
      - ou: Root/Workloads/Prod
      - ou: Security
      - ou: ${sandboxId}
      - account: management
      - account: "${devId}"
`;
    const result = plan(desired(yaml), org.build());
    expect(actions(result)).toEqual([
      'create-policy p',
      'attach-policy p Root/Sandbox',
      'attach-policy p Root/Security',
      'attach-policy p Root/Workloads/Dev/dev-app',
      'attach-policy p Root/Workloads/Prod',
      'attach-policy p Root/management',
    ]);
  });

  it('an unknown OU or account fails with the YAML location and a suggestion', () => {
    const yaml = `
version: 1
policies:
  - name: p
    default: optOut
    targets:
      - ou: Workloads/Prd
      - account: sandbox-3
`;
    const error = planError(() => plan(desired(yaml), lzaOrg().build()));
    expect(error.message).toBe(
      'ai-optout.yaml: the desired state does not fit organization o-testorg001 (2 problems)',
    );
    expect(new Set(error.diagnostics.map((d) => d.severity))).toEqual(new Set(['error']));
    expect(error.diagnostics.map((d) => [d.code, d.location.line, d.message, d.hint])).toEqual([
      ['unknown-target', 7, 'OU Root/Workloads/Prd does not exist', 'did you mean `Workloads/Prod`?'],
      ['unknown-target', 8, 'no account named sandbox-3 in the organization', 'did you mean `sandbox-1`?'],
    ]);
  });

  it('counts unmanaged policies that stay attached against the 5-per-target limit', () => {
    const org = lzaOrg();
    for (let i = 0; i < 4; i++) org.policy(`other-${i}`, { services: { lex: entry('optOut') } }, ['root']);
    const yaml = `
version: 1
policies:
  - name: a
    default: optOut
    targets: [root]
  - name: b
    services: { lex: optOut }
    targets: [root]
`;
    const error = planError(() => plan(desired(yaml), org.build()));
    expect(error.diagnostics[0]).toMatchObject({
      code: 'too-many-policies-on-target',
      message: expect.stringContaining('6 AI opt-out policies'),
    });
    const detaching = plan(desired(yaml.replace('version: 1', 'version: 1\nunmanaged: detach')), org.build());
    expect(detaching.changes.filter((c) => c.action === 'detach-policy')).toHaveLength(4);
  });

  it('five policies on a target are allowed; the sixth is an error at the declared target, naming them', () => {
    const org = lzaOrg();
    for (let i = 0; i < 4; i++) org.policy(`other-${i}`, { services: { lex: entry('optOut') } }, ['root']);
    const one = `
version: 1
policies:
  - name: a
    default: optOut
    targets: [root]
`;
    expect(plan(desired(one), org.build()).verdict).toBe('drift');
    org.policy('other-4', { services: { lex: entry('optOut') } }, ['root']);
    expect(planError(() => plan(desired(one), org.build())).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'too-many-policies-on-target',
        location: { file: 'ai-optout.yaml', line: 6, col: 15 },
        message:
          'Root would carry 6 AI opt-out policies (a, other-0, other-1, other-2, other-3, other-4); AWS allows at most 5',
        hint: 'merge declared policies, or detach unmanaged ones (`unmanaged: detach`)',
      },
    ]);
  });
});

describe('plan: expect', () => {
  it('declared policies that would break expect are a configuration error, not drift', () => {
    const yaml = `
version: 1
policies:
  - name: base
    default: optOut
    lock: declared
    targets: [root]
  - name: sandbox
    services: { lex: optIn }
    lock: none
    targets: [{ ou: Sandbox }]
expect:
  optOut: all
`;
    const error = planError(() => plan(desired(yaml), lzaOrg().build()));
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]).toMatchObject({
      code: 'declared-breaks-expect',
      location: { line: 8 },
      message: expect.stringContaining('lex optIn (set by sandbox on Root/Sandbox) for 2 accounts'),
    });
    const excepted = `${yaml}  except:\n    - ou: Sandbox\n      services: [lex]\n`;
    const result = plan(desired(excepted), lzaOrg().build());
    expect(result.violations.filter((v) => v.service === 'lex')).toEqual([]);
  });

  it('the error names the file, the organization, and per breach the policy, the node and three accounts', () => {
    const yaml = `
version: 1
policies:
  - name: base
    services: { lex: optIn }
    lock: none
    targets: [root]
  - name: sandbox
    services: { comprehend: optIn }
    targets: [{ ou: Sandbox }]
expect:
  optOut: [lex, comprehend, polly]
  except:
    - ou: Sandbox
      services: [polly]
    - ou: Security
      services: [polly]
`;
    const snapshot = lzaOrg().build();
    const error = planError(() => plan(desired(yaml), snapshot));
    const hint = 'change the policy, or add an `expect.except` entry for those accounts';
    expect(snapshot.organization.id).toBe('o-testorg001');
    expect(error.detail()).toBe(
      [
        "ai-optout.yaml: the declared policies break the file's own expect block in organization o-testorg001",
        // At the policy that causes the breach; past three accounts, the rest are counted.
        `ai-optout.yaml:4:11: error: the declared policies would leave lex optIn (set by base on Root) for 6 accounts: management (100000000000), log-archive (100000000001), prod-app (100000000002) and 3 more, which breaks expect.optOut; ${hint}`,
        // What no declared policy sets is located at the expect block.
        `ai-optout.yaml:11:1: error: the declared policies would leave comprehend unset (no declared policy sets it) for 4 accounts: management (100000000000), log-archive (100000000001), prod-app (100000000002) and 1 more, which breaks expect.optOut; ${hint}`,
        `ai-optout.yaml:11:1: error: the declared policies would leave polly unset (no declared policy sets it) for 3 accounts: management (100000000000), prod-app (100000000002), dev-app (100000000003), which breaks expect.optOut; ${hint}`,
        `ai-optout.yaml:8:11: error: the declared policies would leave comprehend optIn (set by sandbox on Root/Sandbox) for 2 accounts: sandbox-1 (100000000004), sandbox-2 (100000000005), which breaks expect.optOut; ${hint}`,
      ].join('\n'),
    );
  });

  it('a list of services checks each one resolves to optOut', () => {
    const yaml = `
version: 1
policies:
  - name: lex-out
    services: { lex: optOut, polly: optOut }
    targets: [root]
expect:
  optOut: [lex, polly]
`;
    const snapshot = lzaOrg()
      .policy(
        'lex-out',
        renderPolicyDocument({ services: { lex: 'optOut', polly: 'optIn' }, lock: 'all' }),
        ['root'],
        { managed: true, description: 'AI services opt-out policy managed by ai-optout' },
      )
      .build();
    const result = plan(desired(yaml), snapshot);
    expect(result.violations.map((v) => `${v.service}:${v.actual}`)).toEqual(Array(6).fill('polly:optIn'));
    expect(actions(result)).toEqual(['update-policy lex-out']);
  });

  it('an exception at an account covers only that account', () => {
    const yaml = `
version: 1
policies:
  - name: base
    default: optOut
    lock: declared
    targets: [root]
expect:
  optOut: all
  except:
    - account: sandbox-1
      services: [comprehend]
`;
    const snapshot = lzaOrg()
      .policy('base', renderPolicyDocument({ default: 'optOut', lock: 'declared' }), ['root'], {
        managed: true,
        description: 'AI services opt-out policy managed by ai-optout',
      })
      .policy('rogue', { services: { comprehend: entry('optIn') } }, ['Sandbox'])
      .build();
    const result = plan(desired(yaml), snapshot);
    expect(result.violations.map((v) => v.accountName)).toEqual(['sandbox-2']);
  });
});

describe('plan: other states', () => {
  it('warns about conflicting values on one node', () => {
    const snapshot = lzaOrg()
      .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'baseline' })
      .policy('a', { services: { lex: entry('optOut') } }, ['Sandbox'])
      .policy('b', { services: { lex: entry('optIn') } }, ['Sandbox'])
      .build();
    const result = plan(
      desired(BASELINE_YAML.replace('version: 1', 'version: 1\nunmanaged: ignore')),
      snapshot,
    );
    expect(result.warnings.filter((w) => w.code === 'same-node-conflict')).toHaveLength(0);
    const unlocked = lzaOrg()
      .policy('baseline', renderPolicyDocument({ default: 'optOut', lock: 'none' }), ['root'], {
        managed: true,
        description: 'baseline',
      })
      .policy('a', { services: { lex: entry('optOut') } }, ['Sandbox'])
      .policy('b', { services: { lex: entry('optIn') } }, ['Sandbox'])
      .build();
    const yaml = BASELINE_YAML.replace('version: 1', 'version: 1\nunmanaged: ignore').replace(
      'description: baseline',
      'description: baseline\n    lock: none',
    );
    const conflicting = plan(desired(yaml), unlocked);
    expect(conflicting.warnings).toEqual([
      expect.objectContaining({
        code: 'same-node-conflict',
        message: expect.stringContaining('assumes optIn'),
      }),
    ]);
    expect(conflicting.violations.map((v) => `${v.accountName}:${v.service}`)).toEqual([
      'sandbox-1:lex',
      'sandbox-2:lex',
    ]);
  });

  it('a conflict is said once, naming the node and each policy with its id, or "to be created", and value', () => {
    const org = lzaOrg().policy(
      'baseline',
      renderPolicyDocument({ default: 'optOut', lock: 'none' }),
      ['root'],
      {
        managed: true,
        description: 'baseline',
      },
    );
    const a = org.policyId('a', { services: { lex: entry('optOut') } }, ['Sandbox']);
    const b = org.policyId('b', { services: { lex: entry('optIn') } }, ['Sandbox']);
    const yaml = BASELINE_YAML.replace('version: 1', 'version: 1\nunmanaged: ignore')
      .replace('description: baseline', 'description: baseline\n    lock: none')
      .replace('expect:\n  optOut: all\n', '');
    const today = plan(desired(yaml), org.build());
    // Today's conflict and the same one after the plan: one warning.
    expect(today.warnings).toEqual([
      {
        code: 'same-node-conflict',
        nodeId: org.idOf('Sandbox'),
        message: `Root/Sandbox: policies attached to the same node disagree on lex: a (${a}) sets optOut, b (${b}) sets optIn. AWS applies them in attachment order, which no API reports; this plan assumes optIn.`,
      },
    ]);

    const declared = `${yaml}  - name: sandbox-in
    services: { polly: optIn }
    lock: none
    targets: [{ ou: Sandbox }]
  - name: sandbox-out
    services: { polly: optOut }
    lock: none
    targets: [{ ou: Sandbox }]
`;
    const after = plan(desired(declared), lzaOrg().build());
    expect(after.warnings.map((w) => w.message)).toEqual([
      'Root/Sandbox: policies attached to the same node disagree on polly: sandbox-in (to be created) sets optIn, sandbox-out (to be created) sets optOut. AWS applies them in attachment order, which no API reports; this plan assumes optIn.',
    ]);
  });

  it('a type still being enabled is a warning, not a change', () => {
    const result = plan(desired(BASELINE_YAML), lzaOrg().withPolicyType('PENDING_ENABLE').build());
    expect(result.changes.some((c) => c.action === 'enable-policy-type')).toBe(false);
    expect(result.warnings.map((w) => w.code)).toContain('policy-type-pending');
  });

  it('a disabled type, or one being disabled, makes attachments ineffective: nothing applies today', () => {
    for (const status of [undefined, 'PENDING_DISABLE'] as const) {
      const snapshot = lzaOrg()
        .withPolicyType(status)
        .policy('baseline', BASELINE_CONTENT, ['root'], { managed: true, description: 'baseline' })
        .build();
      const result = plan(desired(BASELINE_YAML), snapshot);
      expect(actions(result)).toEqual(['enable-policy-type Root', 'attach-policy baseline Root']);
      expect(result.violations.map((v) => [v.service, v.actual, v.cause])).toEqual(
        Array(6).fill(['default', 'unset', 'none']),
      );
      expect(result.effectiveChanges.map((c) => [c.service, c.from, c.to])).toEqual(
        Array(6).fill(['default', 'unset', 'optOut']),
      );
    }
  });

  it("says the type's state on the root word for word", () => {
    const detail = (status: 'PENDING_DISABLE' | undefined) =>
      plan(desired(BASELINE_YAML), lzaOrg().withPolicyType(status).build()).changes[0]?.detail;
    const root = lzaOrg().build().root.id;
    expect(detail(undefined)).toBe(
      `AISERVICES_OPT_OUT_POLICY is not enabled on ${root}; no AI opt-out policy applies until it is enabled`,
    );
    expect(detail('PENDING_DISABLE')).toBe(
      `AISERVICES_OPT_OUT_POLICY is being disabled on ${root}; no AI opt-out policy applies until it is enabled`,
    );
    const pending = plan(desired(BASELINE_YAML), lzaOrg().withPolicyType('PENDING_ENABLE').build());
    expect(pending.warnings).toEqual([
      {
        code: 'policy-type-pending',
        message: `AISERVICES_OPT_OUT_POLICY is still being enabled on ${root} (PENDING_ENABLE)`,
      },
    ]);
  });

  it('two exceptions of one node exempt the services of both', () => {
    const yaml = `
version: 1
policies:
  - name: base
    default: optOut
    lock: none
    targets: [root]
  - name: sandbox
    services: { lex: optIn, rekognition: optIn }
    lock: none
    targets: [{ ou: Sandbox }]
expect:
  optOut: all
  except:
    - ou: Sandbox
      services: [lex]
    - ou: Root/Sandbox
      services: [rekognition]
`;
    // The declared policies alone satisfy expect (no ConfigurationError); today nothing is attached yet.
    const result = plan(desired(yaml), lzaOrg().build());
    expect(new Set(result.violations.map((v) => `${v.service} ${v.actual}`))).toEqual(
      new Set(['default unset']),
    );
  });

  it('the mode option overrides the file', () => {
    expect(plan(desired(BASELINE_YAML), lzaOrg().build()).mode).toBe('audit');
    expect(plan(desired(BASELINE_YAML), lzaOrg().build(), { mode: 'enforce' }).mode).toBe('enforce');
  });
});
