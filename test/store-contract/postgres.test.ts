/**
 * The store contract on the PostgreSQL backend: one scratch database for this file
 * (test/support/postgres.ts), one schema per test inside it (a store per schema, with its own
 * notification channel), all dropped afterwards. Skips, saying why, only when PostgreSQL is not
 * reachable outside CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { openPgStore } from '../../src/store/postgres/pg-store.js';
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/postgres.js';
import { describeStoreContract } from './store-contract.js';

if (await postgresAvailable()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowmock-pg-contract-'));
  let scratch: Promise<ScratchDatabase> | null = null;
  const database = () => (scratch ??= createScratchDatabase());
  afterAll(async () => {
    if (scratch) await (await scratch).drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describeStoreContract(
    'postgres',
    async (name) => openPgStore((await database()).url, { schema: name, secretsFile: path.join(dir, `${name}.secrets`), env: {} }),
    async (name) => {
      const client = new pg.Client({ connectionString: (await database()).url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
      fs.rmSync(path.join(dir, `${name}.secrets`), { force: true });
    },
  );
} else {
  describe.skip('store contract: postgres (PostgreSQL not reachable)', () => { it('skipped', () => {}); });
}
