/**
 * The emulated PhixFlow version (`phixflowVersion`): up to 11.2 an API user also needs the
 * privilege "View Table Actions"; later versions (and `latest`, the default) do not. Proven with
 * one user whose role holds only "Use API Key" and "Run Actions", on two servers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, triggerPath } from './helpers.js';
import { requiredPhixflowPrivileges } from '../../src/auth/phixflow-version.js';
import { resolveConfig, ConfigError } from '../../src/config.js';

const ECHO = triggerPath('Demo', 'Echo and enrich');
const servers: Record<string, TestServer> = {};

async function tokenOfTwoPrivilegeUser(s: TestServer): Promise<string> {
  const { store, credentials } = s.fm.services;
  await store.users.upsertRole({ id: 'api-11-3', name: 'API (11.3)', displayName: 'API (11.3)', description: 'test', permissions: [], privileges: ['Use API Key', 'Run Actions'] });
  await store.users.create({ id: randomUUID(), username: 'two-privileges', displayName: 'Two privileges', email: null, enabled: true, roleIds: ['api-11-3'], passwordHash: null, createdAt: new Date().toISOString() });
  return (await credentials.issuePhixflowToken('two-privileges')).token;
}

beforeAll(async () => {
  servers.old = await startServer({ phixflowVersion: '11.2' });
  servers.latest = await startServer();
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

describe('PhixFlow version', () => {
  it('11.2: a user without "View Table Actions" is a 403 naming it; the seeded api-user (all three) runs', async () => {
    const token = await tokenOfTwoPrivilegeUser(servers.old);
    await expectProblem(await call(servers.old, ECHO, { token, json: [] }), 403, { detail: 'View Table Actions' });
    const apiUser = (await servers.old.fm.services.credentials.issuePhixflowToken('api-user')).token;
    expect((await envelopeOf(await call(servers.old, ECHO, { token: apiUser, json: [{ name: 'Ann', email: 'ann@example.com' }] }), 200)).status).toBe('Success');
  });

  it('latest (the default): the same user runs the actionflow', async () => {
    const token = await tokenOfTwoPrivilegeUser(servers.latest);
    expect((await envelopeOf(await call(servers.latest, ECHO, { token, json: [{ name: 'Ann', email: 'ann@example.com' }] }), 200)).status).toBe('Success');
  });

  it('which versions need it, and which settings are refused', () => {
    expect(requiredPhixflowPrivileges('10')).toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('11.1.1')).toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('11.2.0')).toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('11.2.1')).toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('11.3')).not.toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('12')).not.toContain('View Table Actions');
    expect(requiredPhixflowPrivileges('latest')).not.toContain('View Table Actions');
    expect(() => resolveConfig({ phixflowVersion: 'eleven' })).toThrow(ConfigError);
  });
});
