/**
 * User administration (issue 13): GetUsers, GetFilteredUsers, GetUser, CreateUser, UpdateUser,
 * DeleteUser. The vendor's User model in and out; the list is the one list query (paging, sort,
 * filter, src/api/list-query/) over the store's users.query. Rules (flowmock choices, in the spec):
 * a user name is unique (409 naming it); roles must exist (400 naming /roles/i); a password is
 * hashed with scrypt as every other; the last enabled administrator is never deleted, disabled or
 * demoted (409); a user who still owns executions or data objects is deleted only with force=true
 * (409 naming what it owns). Every change bumps the store's credentials version, so a disabled or
 * deleted user's keys and tokens are refused on the next call.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../handler-contract/handler-types.js';
import { badRequest, conflict, notFound, type FieldError } from '../../handler-contract/problem.js';
import type { RoleRecord, StoreCollections, UserRecord } from '../../store/types.js';
import { USER_SORT_FIELDS } from '../../store/user-query.js';
import { hashPasswordAsync } from '../../auth/secrets.js';
import { ADMINISTRATOR_ROLE_ID, EMAIL_PATTERN, MIN_PASSWORD_LENGTH, USER_NAME_PATTERN, USER_NAME_RULE } from '../../auth/user-rules.js';
import { checkFilterGroup, listPaging, queryFilter, type ListSpec } from '../list-query/list-query.js';
import type { components } from '../../../generated/openapi-types.js';
import { presentUser } from './presenters.js';

type UserBody = components['schemas']['User'];
type UserSortField = (typeof USER_SORT_FIELDS)[number];

/** The user list's properties (the vendor's User names; src/store/user-query.ts maps them to SQL). */
export const USER_LIST: ListSpec<UserSortField> = {
  filter: {
    id: { kind: 'text' }, userName: { kind: 'text' }, displayName: { kind: 'text' }, firstName: { kind: 'text' },
    lastName: { kind: 'text' }, emailAddress: { kind: 'text' }, description: { kind: 'text' }, active: { kind: 'boolean' },
    createdAt: { kind: 'date' }, modifiedAt: { kind: 'date' }, lastLogin: { kind: 'date' },
  },
  sort: USER_SORT_FIELDS,
  defaultSort: { field: 'userName', direction: 'asc' },
};

/** The user the path names (id or user name); 404 otherwise. */
async function target(store: StoreCollections, name: string): Promise<UserRecord> {
  const user = await store.users.resolve(name);
  if (!user) throw notFound(`No user ${name}.`);
  return user;
}

const isAdmin = (u: UserRecord): boolean => u.enabled && u.roleIds.includes(ADMINISTRATOR_ROLE_ID);

/** 409 when `after` (null: deleted) would leave no enabled administrator. */
async function keepAnAdministrator(store: StoreCollections, before: UserRecord, after: UserRecord | null): Promise<void> {
  if (!isAdmin(before) || (after && isAdmin(after))) return;
  const others = (await store.users.list()).filter((u) => u.id !== before.id && isAdmin(u));
  if (others.length === 0) {
    throw conflict(`User ${before.username} is the last enabled administrator; ${after ? 'it keeps the Administrator role and stays enabled' : 'it cannot be deleted'} until another user is one.`);
  }
}

/** The body's fields as a user record (over `base` for an update), checked; every bad field is named in one 400. */
async function fromBody(store: StoreCollections, body: UserBody, base: UserRecord | null, now: string): Promise<UserRecord> {
  const errors: FieldError[] = [];
  const err = (pointer: string, rule: string, message: string) => errors.push({ in: 'body', pointer, rule, message });
  if (!USER_NAME_PATTERN.test(body.userName)) err('/userName', 'pattern', `userName takes ${USER_NAME_RULE}`);
  if (body.emailAddress !== '' && !EMAIL_PATTERN.test(body.emailAddress)) err('/emailAddress', 'format', 'emailAddress must be an email address (name@domain) or empty');
  if (body.identity?.type === 'external') err('/identity/type', 'enum', 'flowmock users are native: identity.type external needs a connector (SyncExternalUsers)');
  const password = body.identity?.native?.password;
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) err('/identity/native/password', 'minLength', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  let roleIds = base?.roleIds ?? ['user'];
  if (body.roles !== undefined) {
    const known = await store.users.listRoles();
    if (body.roles.length === 0) err('/roles', 'minItems', 'a user needs at least one role');
    roleIds = body.roles.flatMap((r, i) => {
      const role: RoleRecord | undefined = known.find((k) => (r.id !== undefined && k.id === r.id) || (r.id === undefined && r.name !== undefined && k.name === r.name));
      if (!role) err(`/roles/${i}`, 'exists', `no role ${r.id ?? r.name ?? '(neither id nor name given)'}; roles are: ${known.map((k) => k.id).join(', ')}`);
      return role ? [role.id] : [];
    });
    roleIds = [...new Set(roleIds)];
  }
  if (errors.length) throw badRequest(`The user is not valid: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}.`, errors);
  const firstName = body.firstName.trim();
  const lastName = body.lastName.trim();
  return {
    id: base?.id ?? randomUUID(),
    username: body.userName,
    displayName: body.displayName?.trim() || `${firstName} ${lastName}`.trim() || body.userName,
    email: body.emailAddress || null,
    enabled: body.active ?? base?.enabled ?? true,
    roleIds,
    passwordHash: password !== undefined ? await hashPasswordAsync(password) : (base?.passwordHash ?? null),
    createdAt: base?.createdAt ?? now,
    firstName, lastName,
    description: body.description ?? base?.description ?? null,
    modifiedAt: now,
    lastLogin: base?.lastLogin ?? null,
    loginCount: base?.loginCount ?? 0,
    settings: body.settings !== undefined && body.settings !== null && typeof body.settings === 'object' && !Array.isArray(body.settings)
      ? (body.settings as Record<string, unknown>) : (base?.settings ?? {}),
  };
}

async function nameTaken(store: StoreCollections, userName: string, self: string | null): Promise<void> {
  const other = await store.users.byUsername(userName);
  if (other && other.id !== self) throw conflict(`A user named ${userName} exists already (id ${other.id}).`);
}

export const userAdminHandlers: Pick<Handlers, 'GetUsers' | 'GetFilteredUsers' | 'GetUser' | 'CreateUser' | 'UpdateUser' | 'DeleteUser'> = {
  async GetUsers(ctx) {
    const { store } = ctx.services;
    const filter = queryFilter(ctx.query.filter, USER_LIST);
    const page = await store.users.query({ filter, ...listPaging(ctx.query, USER_LIST) });
    return { status: 200, headers: { 'X-Total-Count': String(page.totalElements) }, body: await Promise.all(page.content.map((u) => presentUser(store, u))) };
  },

  async GetFilteredUsers(ctx) {
    const { store } = ctx.services;
    const filter = checkFilterGroup(ctx.body!.group as Parameters<typeof checkFilterGroup>[0], USER_LIST, 'body', '');
    const page = await store.users.query({ filter, ...listPaging(ctx.query, USER_LIST) });
    return { status: 200, headers: { 'X-Total-Count': String(page.totalElements) }, body: await Promise.all(page.content.map((u) => presentUser(store, u))) };
  },

  async GetUser(ctx) {
    const { store } = ctx.services;
    return { status: 200, body: await presentUser(store, await target(store, ctx.path.user)) };
  },

  async CreateUser(ctx) {
    const { store, now } = ctx.services;
    const user = await store.transaction(async (tx) => {
      const record = await fromBody(tx, ctx.body!, null, now().toISOString());
      await nameTaken(tx, record.username, null);
      await tx.users.create(record);
      return record;
    });
    return { status: 201, headers: { Location: `/api/v1/users/${encodeURIComponent(user.id)}` }, body: await presentUser(store, user) };
  },

  async UpdateUser(ctx) {
    const { store, now } = ctx.services;
    const user = await store.transaction(async (tx) => {
      const before = await target(tx, ctx.path.user);
      const after = await fromBody(tx, ctx.body!, before, now().toISOString());
      await nameTaken(tx, after.username, before.id);
      await keepAnAdministrator(tx, before, after);
      await tx.users.update(after);
      return after;
    });
    return { status: 200, body: await presentUser(store, user) };
  },

  async DeleteUser(ctx) {
    const { store } = ctx.services;
    await store.transaction(async (tx) => {
      const user = await target(tx, ctx.path.user);
      await keepAnAdministrator(tx, user, null);
      if (ctx.query.force !== true) {
        const executions = (await tx.executions.query({ ownerId: user.id, sort: { field: 'createdAt', direction: 'desc' }, page: 0, size: 1 })).totalElements;
        const data = (await tx.data.list(user.id, 1)).length;
        const owned = [executions ? `${executions} flow execution${executions === 1 ? '' : 's'}` : '', data ? 'data objects' : ''].filter(Boolean);
        if (owned.length) {
          throw conflict(`User ${user.username} still owns ${owned.join(' and ')}; delete with force=true to remove the user anyway (what it owns stays, created by its id).`);
        }
      }
      await tx.users.delete(user.id);
    });
    return { status: 200, body: {} };
  },
};
