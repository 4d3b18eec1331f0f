/**
 * Opens the store the settings name (`--store` / `--db`, see `storeTarget` below):
 * SQLite for a file, PostgreSQL for a postgres:// URL. On PostgreSQL the server is a replica
 * among possibly several on the same database: it joins them (src/store/postgres/replicas.ts),
 * which refuses a virtual clock beside live peers.
 */
import { openStore } from './sqlite-store.js';
import type { PgStore } from './postgres/pg-store.js';
import type { ReplicaCoordinator } from './postgres/replicas.js';
import type { Store } from './types.js';

export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * The backend and where it is: `store` when set (a postgres:// URL or a SQLite file), else the
 * SQLite `db` (the `db` and `store` settings of src/config.ts; here, as the store imports no config).
 */
export function storeTarget(config: { db: string; store?: string }): StoreTarget {
  const store = config.store?.trim();
  if (store && /^postgres(ql)?:\/\//i.test(store)) return { kind: 'postgres', url: store };
  return { kind: 'sqlite', file: store || config.db };
}

export interface OpenedStore {
  store: Store;
  /** Set on PostgreSQL: this server's place among the replicas. */
  replica: ReplicaCoordinator | null;
  pg: PgStore | null;
  /** Where, for start-up lines and logs (a URL without its password). */
  where: string;
}

export async function openTargetStore(target: StoreTarget, opts: {
  clock: 'real' | 'virtual';
  env?: NodeJS.ProcessEnv;
  onLost?: (reason: string) => void;
  onError?: (err: unknown) => void;
  leaseMs?: number;
}): Promise<OpenedStore> {
  if (target.kind === 'sqlite') {
    return { store: openStore(target.file, { env: opts.env, onLost: opts.onLost }), replica: null, pg: null, where: target.file };
  }
  // The PostgreSQL backend (and the pg driver) is loaded when it is used: a SQLite server's
  // start-up does not pay for importing it (issue 17).
  const [{ openPgStore }, { describePgUrl }, { ReplicaCoordinator }] = await Promise.all([
    import('./postgres/pg-store.js'), import('./postgres/pool.js'), import('./postgres/replicas.js'),
  ]);
  const pg = await openPgStore(target.url, { env: opts.env, onError: opts.onError });
  try {
    const replica = await ReplicaCoordinator.join(pg, { clock: opts.clock, leaseMs: opts.leaseMs, onError: opts.onError });
    return { store: pg, replica, pg, where: describePgUrl(target.url) };
  } catch (err) {
    await pg.close();
    throw err;
  }
}
