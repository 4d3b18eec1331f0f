/**
 * The current user, personal access tokens (the vendor's API keys) and roles. A user manages its
 * own tokens; another user's need `read:users` (list) or `write:users` (create, revoke).
 */
import type { Handlers, RequestContext } from '../../handler-contract/handler-types.js';
import { principalOf } from '../../handler-contract/handler-types.js';
import { forbidden, notFound } from '../../handler-contract/problem.js';
import type { UserRecord } from '../../store/types.js';
import { presentRole, presentToken, presentUser } from './presenters.js';

type Ctx = RequestContext<'CreateUserToken' | 'GetUserTokens' | 'DeleteUserToken'>;

/** The user the `{user}` path parameter names, if the caller may act on it. */
async function targetUser(ctx: Ctx, needed: 'read:users' | 'write:users'): Promise<UserRecord> {
  const me = principalOf(ctx);
  const name = (ctx.path as { user: string }).user;
  const target = name === 'me' ? me.user : (await ctx.services.store.users.resolve(name));
  if (target && target.id === me.user.id) return target;
  if (!me.permissions.has(needed)) throw forbidden(`User ${me.user.username} may manage only its own tokens (another user's need ${needed}).`);
  if (!target) throw notFound(`No user ${name}.`);
  return target;
}

export const userHandlers: Pick<Handlers, 'GetCurrentUser' | 'CreateUserToken' | 'GetUserTokens' | 'DeleteUserToken' | 'GetRoles'> = {
  async GetCurrentUser(ctx) {
    return { status: 200, body: await presentUser(ctx.services.store, principalOf(ctx).user) };
  },

  async CreateUserToken(ctx) {
    const user = await targetUser(ctx, 'write:users');
    const { store, credentials } = ctx.services;
    const body = ctx.body!;
    const { record, key } = await credentials.createApiKey(user.id, body.displayName, undefined, {
      description: body.description ?? null, createdBy: principalOf(ctx).user.id,
    });
    return {
      status: 201,
      headers: { Location: `/api/v1/users/${encodeURIComponent(user.username)}/tokens` },
      // The key is `fm_<id>_<secret>`: `secret` is its part after the id.
      body: { ...(await presentToken(store, record)), secret: key.slice(key.lastIndexOf('_') + 1), apiKey: key },
    };
  },

  async GetUserTokens(ctx) {
    const user = await targetUser(ctx, 'read:users');
    const { store } = ctx.services;
    return { status: 200, body: await Promise.all((await store.apiKeys.listActive(user.id)).map((k) => presentToken(store, k))) };
  },

  async DeleteUserToken(ctx) {
    const user = await targetUser(ctx, 'write:users');
    const key = (await ctx.services.store.apiKeys.byId(ctx.path.token));
    if (!key || key.userId !== user.id || key.revokedAt) throw notFound(`User ${user.username} has no active token ${ctx.path.token}.`);
    await ctx.services.store.apiKeys.revoke(key.id, ctx.services.now().toISOString());
    return { status: 200, body: {} };
  },

  async GetRoles(ctx) {
    return { status: 200, body: (await ctx.services.store.users.listRoles()).map(presentRole) };
  },
};
