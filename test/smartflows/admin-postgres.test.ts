/**
 * User administration and backup/restore over HTTP (users-admin.test.ts and backup.test.ts, unchanged) with the server's store on
 * PostgreSQL: a scratch database per server (test/support/server.ts), a temporary key file. Skips,
 * saying why, only when PostgreSQL is not reachable outside CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { postgresAvailable } from '../support/postgres.js';

if (await postgresAvailable()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-pg-admin-'));
  process.env.FLOWMOCK_TEST_STORE = 'postgres';
  process.env.FLOWMOCK_SECRETS_FILE = path.join(dir, 'server.secrets');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  await import('./users-admin.test.js');
  await import('./backup.test.js');
} else {
  describe.skip('user administration and backup on PostgreSQL (PostgreSQL not reachable)', () => { it('skipped', () => {}); });
}
