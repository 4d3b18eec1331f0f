import type { Store, UserRecord, ApiKeyRecord } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';

type Schemas = components['schemas'];

/** A user as the vendor's IdWithName ({ id, displayName, type: 'user' }); the system user for null. */
export function userRef(store: Store, userId: string | null): Schemas['IdWithName'] {
  if (!userId || userId === 'system') return { id: 'system', displayName: 'system', type: 'user' };
  const u = store.users.byId(userId);
  return { id: userId, displayName: u?.username ?? userId, type: 'user' };
}

export function presentUser(store: Store, user: UserRecord): Schemas['User'] {
  const roles = store.users.listRoles().filter((r) => user.roleIds.includes(r.id));
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    ...(user.email ? { email: user.email } : {}),
    enabled: user.enabled,
    roles: roles.map((r) => ({ id: r.id, name: r.name, displayName: r.displayName, description: r.description, permissions: r.permissions })),
    privileges: [...new Set(roles.flatMap((r) => r.privileges))],
  };
}

export function presentApiKey(k: ApiKeyRecord): Schemas['ApiKeyInfo'] {
  return { id: k.id, name: k.name, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, last4: k.last4 };
}
