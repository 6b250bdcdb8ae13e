/**
 * Generates a realistic LZA-shaped organization of any size, with a desired state for it, for the
 * benchmarks. Deterministic for a given size.
 *
 * Shape: Security, Infrastructure, Workloads/<business unit>/{Prod,Test,Dev}, Sandbox, Suspended.
 * About one OU per 25 accounts (at most 2,000, the AWS quota), accounts spread over the workload OUs,
 * a managed baseline at the root, a locked policy on every Prod OU, a sandbox exception, and one
 * hand-made (unmanaged) policy per 1,000 accounts attached to random OUs and accounts.
 */
import { MANAGED_TAG_KEY, type OrgSnapshot } from '../lambdas/domain/model.ts';
import { renderPolicyDocument } from '../lambdas/domain/policy-types/ai-optout/document.ts';

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedOrg {
  snapshot: OrgSnapshot;
  desiredYaml: string;
  stats: { accounts: number; organizationalUnits: number; policies: number; attachments: number };
}

export function generateOrg(accountCount: number): GeneratedOrg {
  const rand = random(accountCount);
  const rootId = 'r-b3nc';
  const ous: OrgSnapshot['organizationalUnits'] = [];
  let ouCounter = 0;
  const addOu = (name: string, parentId: string) => {
    const id = `ou-b3nc-${(ouCounter++).toString(36).padStart(8, '0')}`;
    ous.push({ id, name, parentId });
    return id;
  };
  const security = addOu('Security', rootId);
  const infrastructure = addOu('Infrastructure', rootId);
  const workloads = addOu('Workloads', rootId);
  const sandbox = addOu('Sandbox', rootId);
  const suspended = addOu('Suspended', rootId);

  const targetOus = Math.min(2000, Math.max(12, Math.round(accountCount / 25)));
  const businessUnits = Math.max(2, Math.floor((targetOus - 5) / 4));
  const prodOus: string[] = [];
  const workloadOus: string[] = [];
  for (let bu = 0; bu < businessUnits; bu++) {
    const buId = addOu(`BU-${String(bu + 1).padStart(3, '0')}`, workloads);
    for (const stage of ['Prod', 'Test', 'Dev']) {
      const id = addOu(stage, buId);
      workloadOus.push(id);
      if (stage === 'Prod') prodOus.push(id);
    }
  }

  const accounts: OrgSnapshot['accounts'] = [];
  const addAccount = (name: string, parentId: string, status = 'ACTIVE') => {
    const id = String(100000000000 + accounts.length * 7919);
    accounts.push({ id, name, email: `aws+${name}@example.com`, status, parentId });
    return id;
  };
  const management = addAccount('management', rootId);
  addAccount('log-archive', security);
  addAccount('audit', security);
  addAccount('network', infrastructure);
  addAccount('shared-services', infrastructure);
  const sandboxAccounts = Math.max(1, Math.floor(accountCount * 0.05));
  const suspendedAccounts = Math.max(1, Math.floor(accountCount * 0.01));
  for (let i = 0; i < sandboxAccounts; i++) addAccount(`sandbox-${i}`, sandbox);
  for (let i = 0; i < suspendedAccounts; i++) addAccount(`retired-${i}`, suspended, 'SUSPENDED');
  while (accounts.length < accountCount) {
    const parent = workloadOus[Math.floor(rand() * workloadOus.length)] as string;
    addAccount(`workload-${accounts.length}`, parent);
  }

  const managed = { [MANAGED_TAG_KEY]: 'true' };
  const description = 'AI services opt-out policy managed by ai-optout';
  const policies: OrgSnapshot['policies'] = [
    {
      id: 'p-bench00base',
      name: 'ai-optout-baseline',
      description,
      content: renderPolicyDocument({ default: 'optOut', lock: 'declared' }),
      tags: managed,
      targets: [rootId],
    },
    {
      id: 'p-bench00prod',
      name: 'ai-optout-production',
      description,
      content: renderPolicyDocument({ default: 'optOut', lock: 'all' }),
      tags: managed,
      // drift: one Prod OU lost its attachment
      targets: prodOus.slice(1),
    },
  ];
  const services = ['comprehend', 'lex', 'polly', 'rekognition', 'textract', 'transcribe', 'translate'];
  const rogues = Math.max(2, Math.floor(accountCount / 1000));
  for (let i = 0; i < rogues; i++) {
    const service = services[i % services.length] as string;
    const onAccount = i % 2 === 1;
    const target = onAccount
      ? (accounts[5 + Math.floor(rand() * (accounts.length - 5))] as { id: string }).id
      : (workloadOus[Math.floor(rand() * workloadOus.length)] as string);
    policies.push({
      id: `p-bench${String(i).padStart(5, '0')}`,
      name: `team-${i}-${service}-optin`,
      description: 'hand-made',
      content: JSON.stringify(
        { services: { [service]: { opt_out_policy: { '@@assign': 'optIn' } } } },
        null,
        2,
      ),
      tags: {},
      targets: [target],
    });
  }

  const snapshot: OrgSnapshot = {
    snapshotVersion: 1,
    capturedAt: '2026-11-26T12:00:00Z',
    organization: { id: 'o-bench0000001', managementAccountId: management },
    root: {
      id: rootId,
      name: 'Root',
      policyTypes: [{ type: 'AISERVICES_OPT_OUT_POLICY', status: 'ENABLED' }],
    },
    organizationalUnits: ous,
    accounts,
    policies,
  };
  const prodTargets = prodOus.map((id) => `      - ou: ${id}`).join('\n');
  const desiredYaml = `version: 1
policies:
  - name: ai-optout-baseline
    default: optOut
    lock: declared
    targets: [root]
  - name: ai-optout-production
    description: ${description}
    default: optOut
    lock: all
    targets:
${prodTargets}
  - name: ai-optout-sandbox
    description: ${description}
    services: { lex: optIn }
    lock: none
    targets:
      - ou: Sandbox
expect:
  optOut: all
  except:
    - ou: Sandbox
      services: [lex]
`;
  return {
    snapshot,
    desiredYaml,
    stats: {
      accounts: accounts.length,
      organizationalUnits: ous.length,
      policies: policies.length,
      attachments: policies.reduce((n, p) => n + p.targets.length, 0),
    },
  };
}
