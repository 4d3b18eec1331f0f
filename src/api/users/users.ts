/**
 * The current user and API-key management. A user manages its own keys; another user's keys
 * need `read:users` (list) or `write:users` (create, revoke).
 */
import type { Handlers, RequestContext } from '../../http/handler-types.js';
import { principalOf } from '../../http/handler-types.js';
import { forbidden, notFound } from '../../http/problem.js';
import type { UserRecord } from '../../store/types.js';
import { presentApiKey, presentUser } from './presenters.js';

type Ctx = RequestContext<'CreateApiKey' | 'GetApiKeys' | 'DeleteApiKey'>;

/** The user the `{user}` path parameter names, if the caller may act on it. */
function targetUser(ctx: Ctx, needed: 'read:users' | 'write:users'): UserRecord {
  const me = principalOf(ctx);
  const name = (ctx.path as { user: string }).user;
  const target = name === 'me' ? me.user : ctx.services.store.users.resolve(name);
  if (target && target.id === me.user.id) return target;
  if (!me.permissions.has(needed)) throw forbidden(`User ${me.user.username} may manage only its own API keys (another user's need ${needed}).`);
  if (!target) throw notFound(`No user ${name}.`);
  return target;
}

export const userHandlers: Pick<Handlers, 'GetCurrentUser' | 'CreateApiKey' | 'GetApiKeys' | 'DeleteApiKey'> = {
  GetCurrentUser(ctx) {
    return { status: 200, body: presentUser(ctx.services.store, principalOf(ctx).user) };
  },

  CreateApiKey(ctx) {
    const user = targetUser(ctx, 'write:users');
    const name = ctx.body?.name ?? `Key created ${ctx.services.now().toISOString()}`;
    const { record, key } = ctx.services.credentials.createApiKey(user.id, name);
    return {
      status: 201,
      headers: { Location: `/api/v1/users/${encodeURIComponent(user.username)}/apikeys` },
      body: { ...presentApiKey(record), key },
    };
  },

  GetApiKeys(ctx) {
    const user = targetUser(ctx, 'read:users');
    return { status: 200, body: ctx.services.store.apiKeys.listActive(user.id).map(presentApiKey) };
  },

  DeleteApiKey(ctx) {
    const user = targetUser(ctx, 'write:users');
    const key = ctx.services.store.apiKeys.byId(ctx.path.apiKeyId);
    if (!key || key.userId !== user.id || key.revokedAt) throw notFound(`User ${user.username} has no active API key ${ctx.path.apiKeyId}.`);
    ctx.services.store.apiKeys.revoke(key.id, ctx.services.now().toISOString());
    return { status: 204, body: undefined };
  },
};
