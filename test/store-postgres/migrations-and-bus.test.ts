/**
 * The PostgreSQL schema migrations and the LISTEN/NOTIFY change bus, on a scratch database:
 * replicas starting together migrate once; a newer schema is refused; a notification sent in a
 * transaction arrives only if it commits; a lost listening connection comes back and says so.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPgMigrations, PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { ChangeBus, type ChangeMessage } from '../../src/store/postgres/change-bus.js';
import { openPgPool } from '../../src/store/postgres/pool.js';
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from '../support/postgres.js';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL migrations and change bus', () => {
  let db: ScratchDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createScratchDatabase();
    pool = openPgPool(db.url, { max: 6 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('three replicas migrating at once apply each migration exactly once', async () => {
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      const applied = await Promise.all(clients.map((c) => applyPgMigrations(c)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      const rows = (await pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(rows).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect(await applyPgMigrations(clients[0])).toEqual([]);
    } finally {
      for (const c of clients) c.release();
    }
  });

  it('text sorts byte-wise as on SQLite whatever the locale ("B" before "a", "Z" before "_")', async () => {
    await pool.query(`INSERT INTO meta (key, value) VALUES ('a', '1'), ('B', '2'), ('_', '3'), ('Z', '4')`);
    const keys = (await pool.query(`SELECT key FROM meta WHERE key IN ('a', 'B', '_', 'Z') ORDER BY key`)).rows.map((r) => r.key);
    expect(keys).toEqual(['B', 'Z', '_', 'a']);
  });

  it('a database migrated by a newer flowmock is refused, naming both versions', async () => {
    const client = await pool.connect();
    try {
      await client.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'now')`);
      await expect(applyPgMigrations(client)).rejects.toThrow(`database schema version 9999 is newer than this flowmock supports (${PG_MIGRATIONS.at(-1)!.version})`);
    } finally {
      await client.query('DELETE FROM schema_migrations WHERE version = 9999');
      client.release();
    }
  });

  it('a notification sent in a transaction arrives after the commit, and never for a rollback', async () => {
    const bus = await ChangeBus.start(db.url, 'flowmock_bus_test');
    const seen: ChangeMessage[] = [];
    bus.subscribe((m) => seen.push(m));
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_notify('flowmock_bus_test', $1)`, [JSON.stringify({ kind: 'execution', id: 'rolled-back', from: 'x' })]);
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await client.query(`SELECT pg_notify('flowmock_bus_test', $1)`, [JSON.stringify({ kind: 'execution', id: 'committed', from: 'x' })]);
        await new Promise((r) => setTimeout(r, 100));
        expect(seen).toEqual([]); // not before the commit
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen.map((m) => m.id)).toEqual(['committed']);
    } finally {
      await bus.close();
    }
  });

  it('a lost listening connection reconnects by itself and reports a resync (notifications may have been missed)', async () => {
    const bus = await ChangeBus.start(db.url, 'flowmock_bus_test2');
    let resyncs = 0;
    bus.onResync(() => { resyncs++; });
    const seen: string[] = [];
    bus.subscribe((m) => seen.push(m.id ?? ''));
    try {
      await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'flowmock-listen' AND query LIKE 'LISTEN flowmock_bus_test2%'`);
      for (let i = 0; i < 500 && resyncs === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(resyncs).toBe(1);
      await pool.query(`SELECT pg_notify('flowmock_bus_test2', $1)`, [JSON.stringify({ kind: 'process', id: 'after', from: 'x' })]);
      for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual(['after']);
    } finally {
      await bus.close();
    }
  });
});
