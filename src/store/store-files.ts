/**
 * The database's files on disk: a folder flowmock creates is owner-only (0700), the database
 * and its WAL and SHM files owner-only (0600), and files SQLite would memory-map are checked
 * for writing first. SQLite maps the SHM file; writing to a mapping of a file it cannot extend
 * kills the process with SIGBUS and no log line, so an unwritable WAL or SHM file (or folder)
 * stops start-up here with a message naming it.
 */
import fs from 'node:fs';
import path from 'node:path';

export class StoreFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFilesError';
  }
}

function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Creates the folder (0700) and the database file (0600) when missing; tightens rights of existing files. True when it created the database file. */
export function prepareStoreFiles(file: string): boolean {
  let created = false;
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!writable(dir)) throw new StoreFilesError(`the database folder ${dir} is not writable by this user: SQLite needs to create its WAL and SHM files there.`);
  try {
    // An empty file is a valid, empty SQLite database: creating it here gives it our rights.
    fs.closeSync(fs.openSync(abs, 'wx', 0o600));
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreFilesError(`cannot create the database ${abs}: ${(err as Error).message}`);
  }
  for (const f of [abs, `${abs}-wal`, `${abs}-shm`]) {
    if (!fs.existsSync(f)) continue;
    if (!writable(f)) {
      throw new StoreFilesError(`${f} is not writable by this user; flowmock needs to write the database${f === abs ? '' : ` and its ${f.slice(abs.length + 1).toUpperCase()} file`}. `
        + 'Fix its owner or rights (or remove a stale -wal/-shm file while no process uses the database).');
    }
    try {
      const st = fs.statSync(f);
      if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(f, 0o600);
    } catch { /* rights are tightened best-effort; writing was checked above */ }
  }
  return created;
}
