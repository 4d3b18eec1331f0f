/**
 * Smart Flows personal access tokens (the vendor's API keys): a user creates a token for itself,
 * uses its apiKey, lists it (without secret or apiKey), revokes it, and the key is a 401 at once;
 * another user's tokens need rights (403); unknown users and tokens are 404.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const apiKeysScenario: Scenario = {
  name: 'smartflows: personal access token created, used, revoked (401 at once)',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.keys.user && ctx.main.fixtures.keys.admin ? null : 'needs keys.user and keys.admin'),
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const admin = asAdmin(ctx);
    const me = { params: { path: { user: 'me' } } };

    const created = await user.POST('/api/v1/users/{user}/tokens', { ...me, body: { displayName: 'contract test token', description: 'made by the contract suite' } });
    mustStatus(ctx, created.response, 201, 'CreateUserToken for oneself');
    const token = created.data!;
    ensure(ctx, 'behaves_as_documented', !!token.apiKey && !!token.secret && token.apiKey.endsWith(token.secret) && token.displayName === 'contract test token',
      'the new token carries apiKey and secret (its secret part), shown once', 'CreateUserToken');
    const loc = await followLocation(ctx, user, created.response, 'CreateUserToken');
    if (loc) ensure(ctx, 'behaves_as_documented', Array.isArray(loc.data) && (loc.data as Array<{ id: string }>).some((k) => k.id === token.id), 'the Location lists the new token', 'GetUserTokens');
    // Invalid on purpose: through the lenient proxy, which forwards what breaks the spec.
    const noName = await ctx.main.lenient.as(apiKey(fx.keys.user)).POST('/api/v1/users/{user}/tokens', { ...me, body: {} as { displayName: string } });
    expectStatus(ctx, noName.response, 400, 'CreateUserToken without displayName (required)');

    const fresh = ctx.main.strict.as(apiKey(token.apiKey!));
    const who = await fresh.GET('/api/v1/users/me');
    if (expectStatus(ctx, who.response, 200, 'GetCurrentUser with the new key')) {
      ensure(ctx, 'behaves_as_documented', who.data!.userName === fx.usernames.user, 'a key acts as its user', 'GetCurrentUser');
    }
    const listed = await user.GET('/api/v1/users/{user}/tokens', me);
    if (expectStatus(ctx, listed.response, 200, 'GetUserTokens of oneself')) {
      const entry = listed.data!.find((k) => k.id === token.id);
      ensure(ctx, 'behaves_as_documented', !!entry && !('apiKey' in entry) && !('secret' in entry), 'GetUserTokens lists the token, never its key or secret', 'GetUserTokens');
    }
    const byName = await user.GET('/api/v1/users/{user}/tokens', { params: { path: { user: fx.usernames.user } } });
    expectStatus(ctx, byName.response, 200, 'GetUserTokens of oneself by user name');

    const tokenPath = (u: string, t: string) => ({ params: { path: { user: u, token: t } } });
    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/tokens/{token}', tokenPath('me', token.id!))).response, 200, 'DeleteUserToken');
    expectStatus(ctx, (await fresh.GET('/api/v1/users/me')).response, 401, 'GetCurrentUser with the revoked key', 'auth_enforced');
    expectStatus(ctx, (await fresh.GET('/api/v1/flows')).response, 401, 'GetFlows with the revoked key', 'auth_enforced');
    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/tokens/{token}', tokenPath('me', token.id!))).response, 404, 'DeleteUserToken of a revoked token');
    const after = await user.GET('/api/v1/users/{user}/tokens', me);
    if (expectStatus(ctx, after.response, 200, 'GetUserTokens after revoking')) {
      ensure(ctx, 'behaves_as_documented', !after.data!.some((k) => k.id === token.id), 'a revoked token is no longer listed', 'GetUserTokens');
    }

    // Another user's tokens: rights needed (403); for an administrator, unknown users are 404.
    const adminUser = { params: { path: { user: fx.usernames.admin } } };
    expectStatus(ctx, (await user.GET('/api/v1/users/{user}/tokens', adminUser)).response, 403, 'GetUserTokens of another user without read:users', 'auth_enforced');
    expectStatus(ctx, (await user.POST('/api/v1/users/{user}/tokens', { ...adminUser, body: { displayName: 'x' } })).response, 403, 'CreateUserToken for another user without write:users', 'auth_enforced');
    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/tokens/{token}', tokenPath(fx.usernames.admin, 'any-token-id'))).response, 403,
      'DeleteUserToken of another user without write:users', 'auth_enforced');
    const nobody = { params: { path: { user: 'no-such-user-contract' } } };
    expectStatus(ctx, (await admin.GET('/api/v1/users/{user}/tokens', nobody)).response, 404, 'GetUserTokens of an unknown user');
    expectStatus(ctx, (await admin.POST('/api/v1/users/{user}/tokens', { ...nobody, body: { displayName: 'x' } })).response, 404, 'CreateUserToken for an unknown user');
    expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}/tokens/{token}', tokenPath('no-such-user-contract', 'x'))).response, 404, 'DeleteUserToken of an unknown user');
    const forUser = await admin.POST('/api/v1/users/{user}/tokens', { params: { path: { user: fx.usernames.user } }, body: { displayName: 'made by admin' } });
    if (expectStatus(ctx, forUser.response, 201, 'CreateUserToken for another user with write:users')) {
      expectStatus(ctx, (await admin.GET('/api/v1/users/{user}/tokens', { params: { path: { user: fx.usernames.user } } })).response, 200, 'GetUserTokens of another user with read:users');
      expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}/tokens/{token}', tokenPath(fx.usernames.user, forUser.data!.id!))).response, 200,
        'DeleteUserToken of another user with write:users');
    }
    const roles = await admin.GET('/api/v1/roles');
    if (expectStatus(ctx, roles.response, 200, 'GetRoles as an administrator')) {
      ensure(ctx, 'behaves_as_documented', roles.data!.some((r) => r.name === 'Super User' && (r.permissions ?? []).includes('read:flowExecutions')),
        'GetRoles lists the Super User role with its permissions', 'GetRoles');
    }
    expectStatus(ctx, (await user.GET('/api/v1/roles')).response, 403, 'GetRoles without read:users', 'auth_enforced');
  },
};
