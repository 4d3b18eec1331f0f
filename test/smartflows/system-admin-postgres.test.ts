/**
 * The administration of the installation over HTTP (settings, licence and notifications, cleanup,
 * export and import, system printers: their test files, unchanged) with the server's store on
 * PostgreSQL: a scratch database per server (test/support/server.ts), a temporary key file. Skips,
 * saying why, only when PostgreSQL is not reachable outside CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { postgresAvailable } from '../support/postgres.js';

if (await postgresAvailable()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-pg-system-admin-'));
  process.env.FLOWMOCK_TEST_STORE = 'postgres';
  process.env.FLOWMOCK_SECRETS_FILE = path.join(dir, 'server.secrets');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  await import('./settings.test.js');
  await import('./license.test.js');
  await import('./cleanup.test.js');
  await import('./export-import.test.js');
  await import('./system-printers.test.js');
} else {
  describe.skip('the administration of the installation on PostgreSQL (PostgreSQL not reachable)', () => { it('skipped', () => {}); });
}
