/**
 * A fresh database gets the roles and three users (admin, integrator, api-user); admin and
 * integrator get an API key each, returned so start-up can show them once. A configured admin
 * key (FLOWMOCK_ADMIN_KEY / --admin-key) is made an active key of admin on every start.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';
import { keyIdFor, type Credentials } from './credentials.js';
import { ROLES, SEED_USERS } from './permissions.js';

const CONFIGURED_ADMIN_KEY_NAME = 'Configured admin key';
/** The id (not the key) of the admin key configured at the last start. */
const CONFIGURED_ADMIN_KEY_META_KEY = 'configured-admin-key-id';

export interface SeedResult {
  freshDatabase: boolean;
  newKeys: Array<{ username: string; key: string }>;
}

export function seedStore(store: Store, credentials: Credentials, opts: { adminKey?: string; now: () => Date }): Promise<SeedResult> {
  return store.transaction(async (tx) => {
    // Roles are code: refresh them on every start so a permission added in a release applies.
    for (const role of ROLES) await tx.users.upsertRole(role);
    const fresh = (await tx.users.count()) === 0;
    const newKeys: SeedResult['newKeys'] = [];
    if (fresh) {
      for (const u of SEED_USERS) {
        const user = {
          id: randomUUID(), username: u.username, displayName: u.displayName, email: null,
          enabled: true, roleIds: [u.roleId], passwordHash: null, createdAt: opts.now().toISOString(),
          firstName: u.displayName, lastName: '',
        };
        await tx.users.create(user);
        const skipGenerated = u.username === 'admin' && opts.adminKey !== undefined;
        if (u.printKey && !skipGenerated) {
          newKeys.push({ username: u.username, key: (await credentials.createApiKey(user.id, 'Created at first start', undefined, undefined, tx)).key });
        }
      }
    }
    if (opts.adminKey !== undefined) {
      const admin = await tx.users.byUsername('admin');
      if (admin) {
        await credentials.ensureApiKey(admin.id, opts.adminKey, CONFIGURED_ADMIN_KEY_NAME, tx);
        // The configured key replaces the one configured before: that one is revoked, so that
        // changing FLOWMOCK_ADMIN_KEY / --admin-key ends the old key (it may have leaked).
        // Databases from before this rule have no record: every other configured key of admin goes.
        const id = keyIdFor(opts.adminKey);
        const previous = await tx.meta.get(CONFIGURED_ADMIN_KEY_META_KEY);
        const stale = previous !== null
          ? [previous]
          : (await tx.apiKeys.listActive(admin.id)).filter((k) => k.name === CONFIGURED_ADMIN_KEY_NAME && k.id.startsWith('cfg')).map((k) => k.id);
        for (const old of stale) if (old !== id) await tx.apiKeys.revoke(old, opts.now().toISOString());
        await tx.meta.set(CONFIGURED_ADMIN_KEY_META_KEY, id);
      }
    }
    return { freshDatabase: fresh, newKeys };
  });
}
