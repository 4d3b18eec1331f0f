/**
 * GetExternalUsers and SyncExternalUsers over the sandbox user directory
 * (src/engine/users/external-directory.ts). The list is the directory's users as the vendor's User
 * (identity external, `id` the local user's once synced), paged, sorted and filtered by the shared
 * list query. The sync makes the local users follow the directory in one transaction: an active
 * entry without a local user of its name is created (role user, no password: the provider signs it
 * in), a local user whose fields differ from its entry is updated (names, email address,
 * description; re-enabled when the entry is active again), a local user whose entry is inactive or
 * gone from the directory (once synced) is disabled; the last enabled administrator is never
 * disabled. The counts are what changed. The synced users' ids are kept in the store's meta table.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../handler-contract/handler-types.js';
import { ProblemError } from '../../handler-contract/problem.js';
import type { StoreCollections, UserRecord } from '../../store/types.js';
import { ADMINISTRATOR_ROLE_ID } from '../../auth/user-rules.js';
import { ExternalDirectoryError, readDirectory, type ExternalUser } from '../../engine/users/external-directory.js';
import { pageOfRows, type ListSpec } from '../list-query/list-query.js';

/** The store meta key holding the ids of the local users the sync manages (JSON list). */
const SYNCED_KEY = 'externalUsers.synced';

const EXTERNAL_LIST: ListSpec<'userName' | 'displayName' | 'firstName' | 'lastName' | 'emailAddress'> = {
  filter: {
    userName: { kind: 'text' }, displayName: { kind: 'text' }, firstName: { kind: 'text' }, lastName: { kind: 'text' },
    emailAddress: { kind: 'text' }, description: { kind: 'text' }, active: { kind: 'boolean' },
  },
  sort: ['userName', 'displayName', 'firstName', 'lastName', 'emailAddress'],
  defaultSort: { field: 'userName', direction: 'asc' },
};

const displayNameOf = (u: ExternalUser) => `${u.firstName} ${u.lastName}`.trim() || u.userName;

async function directory(file: string | undefined): Promise<ExternalUser[]> {
  try {
    return await readDirectory(file);
  } catch (err) {
    if (err instanceof ExternalDirectoryError) throw new ProblemError(503, `The external user directory is unavailable: ${err.message}.`);
    throw err;
  }
}

async function syncedIds(store: StoreCollections): Promise<Set<string>> {
  const raw = await store.meta.get(SYNCED_KEY);
  return new Set(raw ? (JSON.parse(raw) as string[]) : []);
}

const isAdmin = (u: UserRecord) => u.enabled && u.roleIds.includes(ADMINISTRATOR_ROLE_ID);

export const externalUserHandlers: Pick<Handlers, 'GetExternalUsers' | 'SyncExternalUsers'> = {
  async GetExternalUsers(ctx) {
    const { store, config } = ctx.services;
    const synced = await syncedIds(store);
    const rows = await Promise.all((await directory(config.externalUsersFile)).map(async (u) => {
      const local = await store.users.byUsername(u.userName);
      return {
        ...(local && synced.has(local.id) ? { id: local.id } : {}),
        userName: u.userName, displayName: displayNameOf(u), firstName: u.firstName, lastName: u.lastName,
        ...(u.description ? { description: u.description } : {}),
        emailAddress: u.emailAddress, active: u.active,
        identity: { type: 'external' as const, external: { externalId: u.userName } },
      };
    }));
    return { status: 200, body: pageOfRows(rows, EXTERNAL_LIST, ctx.query) };
  },

  async SyncExternalUsers(ctx) {
    const { store, config, now } = ctx.services;
    const entries = await directory(config.externalUsersFile);
    const result = await store.transaction(async (tx) => {
      const at = now().toISOString();
      const synced = await syncedIds(tx);
      const counts = { addCount: 0, updateCount: 0, deactivatedCount: 0 };
      const all = await tx.users.list();
      let admins = all.filter(isAdmin).length;
      const disable = async (u: UserRecord): Promise<UserRecord> => {
        if (!u.enabled || (isAdmin(u) && admins <= 1)) return u;
        if (isAdmin(u)) admins--;
        counts.deactivatedCount++;
        return { ...u, enabled: false };
      };
      const listed = new Set<string>();
      for (const e of entries) {
        const local = await tx.users.byUsername(e.userName);
        if (!local) {
          if (!e.active) continue;
          const id = randomUUID();
          await tx.users.create({
            id, username: e.userName, displayName: displayNameOf(e), email: e.emailAddress || null, enabled: true, roleIds: ['user'],
            passwordHash: null, createdAt: at, firstName: e.firstName, lastName: e.lastName, description: e.description || null,
            modifiedAt: at, lastLogin: null, loginCount: 0, settings: {},
          });
          synced.add(id);
          listed.add(id);
          counts.addCount++;
          continue;
        }
        synced.add(local.id);
        listed.add(local.id);
        const fields = {
          displayName: displayNameOf(e), email: e.emailAddress || null, firstName: e.firstName, lastName: e.lastName, description: e.description || null,
        };
        const changed = fields.displayName !== local.displayName || fields.email !== local.email || fields.firstName !== (local.firstName ?? '')
          || fields.lastName !== (local.lastName ?? '') || fields.description !== (local.description ?? null) || (e.active && !local.enabled);
        let next: UserRecord = changed ? { ...local, ...fields, enabled: local.enabled || e.active, modifiedAt: at } : local;
        if (changed) counts.updateCount++;
        if (!e.active) next = await disable(next);
        if (next !== local) await tx.users.update(next.enabled === local.enabled && !changed ? next : { ...next, modifiedAt: at });
      }
      // Users the sync created or took over whose entry has left the directory.
      for (const id of synced) {
        if (listed.has(id)) continue;
        const local = await tx.users.byId(id);
        if (!local) { synced.delete(id); continue; }
        const next = await disable(local);
        if (next !== local) await tx.users.update({ ...next, modifiedAt: at });
      }
      await tx.meta.set(SYNCED_KEY, JSON.stringify([...synced].sort()));
      return counts;
    });
    return { status: 200, body: result };
  },
};
