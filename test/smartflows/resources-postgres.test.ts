/**
 * The regular collections over HTTP (resources.test.ts and resources-content.test.ts, unchanged)
 * with the server's store on PostgreSQL: a scratch database per server (test/support/server.ts),
 * a temporary key file. Skips, saying why, only when PostgreSQL is not reachable outside CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { postgresAvailable } from '../support/postgres.js';

if (await postgresAvailable()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-pg-resources-'));
  process.env.FLOWMOCK_TEST_STORE = 'postgres';
  process.env.FLOWMOCK_SECRETS_FILE = path.join(dir, 'server.secrets');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  await import('./resources.test.js');
  await import('./resources-content.test.js');
} else {
  describe.skip('the regular collections on PostgreSQL (PostgreSQL not reachable)', () => { it('skipped', () => {}); });
}
