/**
 * The flowmock reference server for a contract run: in-memory store, response validation on, a
 * known admin key, on a free loopback port. Besides the seed (admin, integrator, api-user) it
 * provisions what the scenarios need and the API cannot create: a second plain user (ownership),
 * a disabled user (403 on every operation) and a password for integrator (login).
 */
import { randomUUID } from 'node:crypto';
import { createApp, type FlowmockApp } from '../../app.js';
import type { FlowmockConfig } from '../../config.js';
import { hashPassword } from '../../auth/secrets.js';
import { defaultFixtures, type ContractFixtures } from '../fixtures.js';

export const REFERENCE_ADMIN_KEY = 'contract-admin-key-0123456789abcdef012345';
export const REFERENCE_LOGIN = { username: 'integrator', password: 'contract-test-password' };

export interface ReferenceServer {
  url: string;
  fm: FlowmockApp;
  fixtures: ContractFixtures;
  close(): Promise<void>;
}

async function addUser(fm: FlowmockApp, username: string, roleId: string, enabled: boolean): Promise<string> {
  const store = fm.services.store;
  const id = randomUUID();
  await store.users.create({
    id, username, displayName: username, email: null, enabled: true, roleIds: [roleId], passwordHash: null,
    createdAt: new Date().toISOString(),
  });
  const { key } = (await fm.services.credentials.createApiKey(id, 'contract tests'));
  if (!enabled) (await store.users.setEnabled(id, false));
  return key;
}

export async function startReferenceServer(config: Partial<FlowmockConfig> = {}): Promise<ReferenceServer> {
  const fm = await createApp({
    db: ':memory:', port: 0, host: '127.0.0.1', speed: 0, validateResponses: true,
    printStartup: false, logLevel: 'silent', adminKey: REFERENCE_ADMIN_KEY, ...config,
  });
  try {
    const url = await fm.listen();
    const integrator = fm.seed.newKeys.find((k) => k.username === 'integrator')?.key;
    const store = fm.services.store;
    const integratorUser = (await store.users.byUsername(REFERENCE_LOGIN.username));
    if (integratorUser) (await store.users.setPassword(integratorUser.id, hashPassword(REFERENCE_LOGIN.password)));
    const fixtures = defaultFixtures();
    fixtures.keys = {
      admin: REFERENCE_ADMIN_KEY,
      user: integrator,
      otherUser: await addUser(fm, 'contract-other', 'user', true),
      disabledUser: await addUser(fm, 'contract-disabled', 'user', false),
    };
    fixtures.login = { ...REFERENCE_LOGIN };
    fixtures.bodyLimitBytes = fm.config.bodyLimitBytes;
    return { url, fm, fixtures, close: () => fm.close() };
  } catch (err) {
    await fm.close();
    throw err;
  }
}
