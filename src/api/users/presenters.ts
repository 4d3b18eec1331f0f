import type { StoreCollections, UserRecord, ApiKeyRecord, RoleRecord } from '../../store/types.js';
import type { components } from '../../../generated/openapi-types.js';

type Schemas = components['schemas'];

/** The name a person reads: the display name, else first and last name, else the user name. */
function nameOf(u: UserRecord): string {
  const full = `${u.firstName ?? ''} ${u.lastName ?? ''}`.trim();
  return u.displayName || full || u.username;
}

/** A user as the vendor's IdWithName ({ id, displayName, type: 'user' }); the system user for null. */
export async function userRef(store: StoreCollections, userId: string | null): Promise<Schemas['IdWithName']> {
  if (!userId || userId === 'system') return { id: 'system', displayName: 'system', type: 'user' };
  const u = (await store.users.byId(userId));
  return { id: userId, displayName: u ? nameOf(u) : userId, type: 'user' };
}

export function presentRole(r: RoleRecord): Schemas['Role'] {
  return { id: r.id, name: r.name, displayName: r.displayName, description: r.description, permissions: [...r.permissions] };
}

/** The vendor's User. Never a password; `identity.type` is native (flowmock's users are its own). */
export async function presentUser(store: StoreCollections, user: UserRecord): Promise<Schemas['User']> {
  const roles = (await store.users.listRoles()).filter((r) => user.roleIds.includes(r.id));
  return {
    id: user.id,
    userName: user.username,
    displayName: nameOf(user),
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    ...(user.description ? { description: user.description } : {}),
    emailAddress: user.email ?? '',
    createdAt: user.createdAt,
    createdBy: await userRef(store, null),
    modifiedAt: user.modifiedAt ?? user.createdAt,
    modifiedBy: await userRef(store, null),
    ...(user.lastLogin ? { lastLogin: user.lastLogin } : {}),
    loginCount: user.loginCount ?? 0,
    active: user.enabled,
    identity: { type: 'native' },
    settings: user.settings ?? {},
    roles: roles.map(presentRole),
  };
}

/** The vendor's UserToken, without `secret` and `apiKey` (shown once, on creation). */
export async function presentToken(store: StoreCollections, k: ApiKeyRecord): Promise<Schemas['UserToken']> {
  return {
    id: k.id,
    displayName: k.name,
    ...(k.description ? { description: k.description } : {}),
    createdAt: k.createdAt,
    createdBy: await userRef(store, k.createdBy ?? k.userId),
  };
}
