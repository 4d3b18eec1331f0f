/**
 * The server's secrets (API-key pepper, login-JWT secret, PhixFlow signing secret, webhook
 * secret) live apart from the database: in a key file beside it (`<db>.secrets`, or
 * FLOWMOCK_SECRETS_FILE), created owner-only (0600). A copy of the database alone then cannot
 * verify or forge any credential.
 *
 * The database keeps only a random, non-secret `secrets-file-id` naming the key file it belongs
 * to: a database whose key file is missing or belongs to another database stops start-up with a
 * message instead of silently starting afresh with new keys (every key and token would die).
 *
 * Databases of earlier versions kept the secrets in clear in the `meta` table; migration 4
 * (migrations.ts) moves them into the key file and deletes the rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Names of the secrets, as kept in the key file (and, before migration 4, in `meta`). */
export const SERVER_SECRET_NAMES = ['api-key-pepper', 'jwt-secret', 'phixflow-api-key', 'webhook-secret'] as const;
export const SECRETS_FILE_ID_META_KEY = 'secrets-file-id';

export class SecretsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsFileError';
  }
}

export interface ServerSecrets {
  /** The key file, or null for an in-memory store (secrets then live as long as the process). */
  readonly file: string | null;
  get(name: string): string | null;
  /** The secret `name`, made with `make` (and kept) when there is none yet. */
  ensure(name: string, make?: () => string): string;
  /** Adds secrets not yet in the file (the migration); the file's own values win. */
  merge(values: Record<string, string>): void;
  readonly id: string;
}

const newSecret = (): string => randomBytes(32).toString('hex');

interface FileShape { id: string; secrets: Record<string, string> }

/** Where the key file of a database lives (FLOWMOCK_SECRETS_FILE overrides). */
export function secretsFileFor(dbFile: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWMOCK_SECRETS_FILE ? path.resolve(env.FLOWMOCK_SECRETS_FILE) : `${path.resolve(dbFile)}.secrets`;
}

/** In-memory secrets, for ':memory:' stores. */
export function memorySecrets(): ServerSecrets {
  const values = new Map<string, string>();
  return {
    file: null,
    id: randomBytes(16).toString('hex'),
    get: (name) => values.get(name) ?? null,
    ensure: (name, make = newSecret) => {
      let v = values.get(name);
      if (v === undefined) { v = make(); values.set(name, v); }
      return v;
    },
    merge: (v) => { for (const [k, x] of Object.entries(v)) if (!values.has(k)) values.set(k, x); },
  };
}

/** Writes the file atomically (temporary file, fsync, rename), owner-only. */
function writeFileAtomic(file: string, shape: FileShape): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(shape, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

function readFile(file: string): FileShape | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SecretsFileError(`cannot read the secrets file ${file}: ${(err as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as FileShape;
    if (typeof v?.id !== 'string' || typeof v.secrets !== 'object' || v.secrets === null) throw new Error('not a flowmock secrets file');
    for (const x of Object.values(v.secrets)) if (typeof x !== 'string') throw new Error('a secret is not a string');
    return v;
  } catch (err) {
    throw new SecretsFileError(`the secrets file ${file} is damaged (${(err as Error).message}); restore it from a backup`);
  }
}

/**
 * Opens (or creates) the key file. `expectedId` is the id the database recorded (null for a
 * database that has none yet); a mismatch or a missing file for a database that expects one is
 * an error, never a fresh start.
 */
export function fileSecrets(file: string, expectedId: string | null): ServerSecrets {
  let shape = readFile(file);
  if (shape === null) {
    if (expectedId !== null) {
      throw new SecretsFileError(`the database's secrets file ${file} is missing: without it no API key, login token or PhixFlow token of this database can be verified. `
        + 'Restore the file, or start on a new database.');
    }
    shape = { id: randomBytes(16).toString('hex'), secrets: {} };
    writeFileAtomic(file, shape);
  } else {
    if (expectedId !== null && shape.id !== expectedId) {
      throw new SecretsFileError(`the secrets file ${file} belongs to another database (id ${shape.id}, the database expects ${expectedId}).`);
    }
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) fs.chmodSync(file, 0o600); // an older or hand-made file: make it owner-only
  }
  const current = shape;
  return {
    file,
    id: current.id,
    get: (name) => current.secrets[name] ?? null,
    ensure: (name, make = newSecret) => {
      if (current.secrets[name] !== undefined) return current.secrets[name];
      // Another process (a CLI command on the same database) may have made it meanwhile.
      const onDisk = readFile(file);
      if (onDisk && onDisk.id === current.id) Object.assign(current.secrets, onDisk.secrets, current.secrets);
      if (current.secrets[name] === undefined) {
        current.secrets[name] = make();
        writeFileAtomic(file, current);
      }
      return current.secrets[name];
    },
    merge: (values) => {
      let changed = false;
      for (const [k, v] of Object.entries(values)) {
        if (current.secrets[k] === undefined) { current.secrets[k] = v; changed = true; }
      }
      if (changed) writeFileAtomic(file, current);
    },
  };
}
