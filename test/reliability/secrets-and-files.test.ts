/**
 * Issue 14, items 1, 3 (start-up part) and 7: the database alone does not let anyone verify or
 * forge credentials (the server secrets live in an owner-only key file beside it, older databases
 * are migrated out of `meta`), flowmock's folder and files are owner-only, a database whose key
 * file is gone does not silently start afresh, an unwritable WAL/SHM file stops start-up with a
 * message, and a newly configured admin key replaces the one configured before.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { applyMigrations, MIGRATIONS } from '../../src/store/migrations.js';
import { hashApiKey, generateApiKey } from '../../src/auth/secrets.js';
import { SERVER_SECRET_NAMES } from '../../src/store/server-secrets.js';
import { openStore } from '../../src/store/sqlite-store.js';
import { ROLES } from '../../src/auth/permissions.js';
import { ROOT } from './support.js';

const run = promisify(execFile);

const root = mkdtempSync(path.join(tmpdir(), 'flowmock-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KEY_A = 'first-configured-admin-key-0123456789abcdef';
const KEY_B = 'second-configured-admin-key-0123456789abcdef';
const mode = (p: string) => statSync(p).mode & 0o777;
const start = (db: string, adminKey?: string) => createApp({ db, port: 0, speed: 0, printStartup: false, logLevel: 'silent', adminKey });
const me = (base: string, key: string) => fetch(`${base}/api/v1/users/me`, { headers: { 'X-API-Key': key } }).then((r) => r.status);

describe('secrets apart from the database, owner-only files', () => {
  it('a new database gets an owner-only folder, database, WAL, SHM and key file; meta holds no secret', async () => {
    const folder = path.join(root, 'new', 'nested');
    const db = path.join(folder, 'flowmock.db');
    const fm = await start(db, KEY_A);
    try {
      await fm.listen();
      expect(mode(folder)).toBe(0o700);
      for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.secrets`]) expect([f, mode(f)]).toEqual([f, 0o600]);
      const keyFile = JSON.parse(readFileSync(`${db}.secrets`, 'utf8'));
      expect(Object.keys(keyFile.secrets).sort()).toEqual(expect.arrayContaining(['api-key-pepper', 'jwt-secret', 'phixflow-api-key']));
      const raw = new Database(db, { readonly: true });
      const metaKeys = raw.prepare('SELECT key FROM meta').pluck().all() as string[];
      raw.close();
      expect(metaKeys.filter((k) => (SERVER_SECRET_NAMES as readonly string[]).includes(k))).toEqual([]);
      // Nor anywhere in the database's bytes.
      for (const f of [db, `${db}-wal`]) {
        const bytes = readFileSync(f).toString('latin1');
        for (const v of Object.values<string>(keyFile.secrets)) expect(bytes.includes(v), `a secret in ${f}`).toBe(false);
      }
    } finally {
      await fm.close();
    }
  });

  it('a copy of the database without its key file does not start afresh with new keys: start-up stops, naming the file', async () => {
    const db = path.join(root, 'copy', 'flowmock.db');
    const fm = await start(db, KEY_A);
    await fm.close();
    const stolen = path.join(root, 'copy', 'stolen.db');
    copyFileSync(db, stolen);
    await expect(start(stolen, KEY_A)).rejects.toThrow(/secrets file .*stolen\.db\.secrets is missing/);
    // Another database's key file is refused as well.
    copyFileSync(path.join(root, 'new', 'nested', 'flowmock.db.secrets'), `${stolen}.secrets`);
    await expect(start(stolen, KEY_A)).rejects.toThrow(/belongs to another database/);
  });

  it('migration 4 moves the secrets of an older database out of meta into the key file; its keys keep working', async () => {
    const db = path.join(root, 'old', 'flowmock.db');
    const dir = path.dirname(db);
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { mode: 0o755 });
    // A database as version 3 left it: the pepper in clear in meta, a key hashed under it, world-readable.
    const raw = new Database(db);
    applyMigrations(raw, MIGRATIONS.filter((m) => m.version < 4));
    const pepper = 'ab'.repeat(32);
    raw.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?), (?, ?)').run('api-key-pepper', pepper, 'jwt-secret', 'cd'.repeat(32), 'phixflow-api-key', 'ef'.repeat(32));
    const userId = randomUUID();
    const role = ROLES.find((r) => r.id === 'user')!;
    raw.prepare(`INSERT INTO roles (id, name, display_name, description, permissions, privileges) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(role.id, role.name, role.displayName, role.description, JSON.stringify(role.permissions), JSON.stringify(role.privileges));
    raw.prepare(`INSERT INTO users (id, username, display_name, email, enabled, role_ids, password_hash, created_at) VALUES (?, 'old-user', 'Old', NULL, 1, ?, NULL, ?)`)
      .run(userId, JSON.stringify(['user']), new Date().toISOString());
    const k = generateApiKey();
    raw.prepare(`INSERT INTO api_keys (id, user_id, name, hash, last4, created_at) VALUES (?, ?, 'old key', ?, ?, ?)`)
      .run(k.id, userId, hashApiKey(k.key, Buffer.from(pepper, 'hex')), k.key.slice(-4), new Date().toISOString());
    raw.close();
    chmodSync(db, 0o644);
    expect(existsSync(`${db}.secrets`)).toBe(false);

    const fm = await start(db);
    try {
      const base = await fm.listen();
      expect(await me(base, k.key)).toBe(200);
      expect(mode(db)).toBe(0o600);
      expect(mode(`${db}.secrets`)).toBe(0o600);
      expect(JSON.parse(readFileSync(`${db}.secrets`, 'utf8')).secrets['api-key-pepper']).toBe(pepper);
    } finally {
      await fm.close();
    }
    const after = new Database(db, { readonly: true });
    const metaKeys = after.prepare('SELECT key FROM meta').pluck().all();
    const versions = after.prepare('SELECT version FROM schema_migrations').pluck().all();
    after.close();
    expect(metaKeys).not.toContain('api-key-pepper');
    expect(metaKeys).not.toContain('jwt-secret');
    expect(metaKeys).not.toContain('phixflow-api-key');
    expect(versions).toContain(4);
    expect(readFileSync(db).toString('latin1').includes(pepper)).toBe(false);
  });

  it('an unwritable WAL or SHM file stops start-up with a message naming it (no SIGBUS)', async () => {
    const folder = path.join(root, 'ro');
    const db = path.join(folder, 'flowmock.db');
    await openStore(db).close();
    // Root may write any file: then the check runs as the user nobody, in a child process, on a
    // database nobody owns and WAL/SHM files only root may write.
    const asRoot = process.getuid?.() === 0;
    const script = path.join(folder, 'open.ts');
    writeFileSync(script, `import { openStore } from ${JSON.stringify(path.join(ROOT, 'src', 'store', 'sqlite-store.ts'))};\n`
      + 'try { openStore(process.argv[2]).close(); console.log("opened"); } catch (err) { console.log(String(err)); }\n');
    const open = async (): Promise<string> => {
      if (!asRoot) {
        try { await openStore(db).close(); return 'opened'; } catch (err) { return String(err); }
      }
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, db], { cwd: ROOT, uid: 65534, gid: 65534, env: { ...process.env, HOME: folder, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json') } });
      return stdout.trim();
    };
    if (asRoot) {
      chmodSync(root, 0o755);
      chmodSync(folder, 0o777);
      for (const f of [db, `${db}.secrets`, script]) if (existsSync(f)) chownSync(f, 65534, 65534);
      chmodSync(script, 0o644);
    }
    expect(await open()).toBe('opened');
    for (const suffix of ['-wal', '-shm']) {
      writeFileSync(db + suffix, '');
      chmodSync(db + suffix, asRoot ? 0o644 : 0o400); // root's file: nobody may read it, not write it
      expect(await open()).toMatch(new RegExp(`${suffix.slice(1).toUpperCase()} file`));
      unlinkSync(db + suffix);
    }
  });
});

describe('the configured admin key', () => {
  it('replaces the key configured before: after a restart with another key, the old one is a 401', async () => {
    const db = path.join(root, 'admin', 'flowmock.db');
    const first = await start(db, KEY_A);
    let base = await first.listen();
    expect(await me(base, KEY_A)).toBe(200);
    await first.close();
    const second = await start(db, KEY_B);
    try {
      base = await second.listen();
      expect(await me(base, KEY_B)).toBe(200);
      expect(await me(base, KEY_A)).toBe(401);
    } finally {
      await second.close();
    }
  });
});
