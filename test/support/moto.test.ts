import {
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_HINT, type MotoServer, resolveMotoServer, startMoto } from './moto.ts';

describe('moto harness', () => {
  let moto: MotoServer;
  let org: OrganizationsClient;

  beforeAll(async () => {
    moto = await startMoto();
    org = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });

  afterAll(async () => {
    org?.destroy();
    await moto?.stop();
  });

  it('listens on a loopback port', () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect(moto.port).toBeGreaterThan(0);
  });

  it('serves Organizations through the SDK, and reset() drops the organization', async () => {
    await moto.reset();
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    expect(created.Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    const roots = await org.send(new ListRootsCommand({}));
    expect(roots.Roots).toHaveLength(1);
    expect(roots.Roots?.[0]?.Id).toMatch(/^r-[0-9a-z]{4,32}$/);

    await moto.reset();
    await expect(org.send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
    });
    const again = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    expect(again.Organization?.Id).not.toBe(created.Organization?.Id);
  });

  it('reset() + seed() make generated ids repeat', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      await moto.reset();
      await moto.seed(42);
      const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
      ids.push(created.Organization?.Id ?? '');
    }
    expect(ids[0]).toMatch(/^o-/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('stop() is idempotent and the server stops answering', async () => {
    const other = await startMoto();
    await other.stop();
    await other.stop();
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
  });
});

describe('resolveMotoServer', () => {
  it('throws one sentence on how to install when MOTO_SERVER is not executable', () => {
    expect(() => resolveMotoServer({ MOTO_SERVER: '/nonexistent/moto_server', PATH: '' })).toThrow(
      /not an executable file.*pip install "moto\[server\]"/,
    );
    expect(INSTALL_HINT).toContain('python3 -m venv .venv && .venv/bin/pip install "moto[server]"');
  });

  it('prefers MOTO_SERVER over PATH', () => {
    const path = resolveMotoServer({ MOTO_SERVER: process.execPath, PATH: '' });
    expect(path).toBe(process.execPath);
  });
});
