/**
 * Smart Flows API keys: a user creates a key for itself, uses it, lists it, revokes it, and the key
 * is a 401 at once; another user's keys need rights (403); unknown users and keys are 404.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const apiKeysScenario: Scenario = {
  name: 'smartflows: API key created, used, revoked (401 at once)',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.keys.user && ctx.main.fixtures.keys.admin ? null : 'needs keys.user and keys.admin'),
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    const admin = ctx.main.strict.as(apiKey(fx.keys.admin));
    const me = { params: { path: { user: 'me' } } };

    const created = await user.POST('/api/v1/users/{user}/apikeys', { ...me, body: { name: 'contract test key' } });
    mustStatus(ctx, created.response, 201, 'CreateApiKey for oneself');
    const key = created.data!;
    ensure(ctx, 'behaves_as_documented', key.key.endsWith(key.last4) && key.name === 'contract test key', 'the new key is shown once, ending with last4', 'CreateApiKey');
    const loc = await followLocation(ctx, user, created.response, 'CreateApiKey');
    if (loc) ensure(ctx, 'behaves_as_documented', Array.isArray(loc.data) && (loc.data as Array<{ id: string }>).some((k) => k.id === key.id), 'the Location lists the new key', 'GetApiKeys');
    const unnamed = await user.POST('/api/v1/users/{user}/apikeys', me);
    if (expectStatus(ctx, unnamed.response, 201, 'CreateApiKey without a body (name is optional)')) {
      expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: 'me', apiKeyId: unnamed.data!.id } } })).response, 204, 'DeleteApiKey of the unnamed key');
    }

    const fresh = ctx.main.strict.as(apiKey(key.key));
    const who = await fresh.GET('/api/v1/users/me');
    if (expectStatus(ctx, who.response, 200, 'GetCurrentUser with the new key')) {
      ensure(ctx, 'behaves_as_documented', who.data!.username === fx.usernames.user, 'a key acts as its user', 'GetCurrentUser');
    }
    const listed = await user.GET('/api/v1/users/{user}/apikeys', me);
    if (expectStatus(ctx, listed.response, 200, 'GetApiKeys of oneself')) {
      const entry = listed.data!.find((k) => k.id === key.id);
      ensure(ctx, 'behaves_as_documented', !!entry && !('key' in entry), 'GetApiKeys lists the key, never the key itself', 'GetApiKeys');
    }
    const byName = await user.GET('/api/v1/users/{user}/apikeys', { params: { path: { user: fx.usernames.user } } });
    expectStatus(ctx, byName.response, 200, 'GetApiKeys of oneself by user name');

    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: 'me', apiKeyId: key.id } } })).response, 204, 'DeleteApiKey');
    expectStatus(ctx, (await fresh.GET('/api/v1/users/me')).response, 401, 'GetCurrentUser with the revoked key', 'auth_enforced');
    expectStatus(ctx, (await fresh.GET('/api/v1/flows')).response, 401, 'GetFlows with the revoked key', 'auth_enforced');
    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: 'me', apiKeyId: key.id } } })).response, 404, 'DeleteApiKey of a revoked key');
    const after = await user.GET('/api/v1/users/{user}/apikeys', me);
    if (expectStatus(ctx, after.response, 200, 'GetApiKeys after revoking')) {
      ensure(ctx, 'behaves_as_documented', !after.data!.some((k) => k.id === key.id), 'a revoked key is no longer listed', 'GetApiKeys');
    }

    // Another user's keys: rights needed (403); for an administrator, unknown users are 404.
    const adminUser = { params: { path: { user: fx.usernames.admin } } };
    expectStatus(ctx, (await user.GET('/api/v1/users/{user}/apikeys', adminUser)).response, 403, "GetApiKeys of another user without read:users", 'auth_enforced');
    expectStatus(ctx, (await user.POST('/api/v1/users/{user}/apikeys', { ...adminUser, body: { name: 'x' } })).response, 403, 'CreateApiKey for another user without write:users', 'auth_enforced');
    expectStatus(ctx, (await user.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: fx.usernames.admin, apiKeyId: 'any-key-id' } } })).response, 403,
      'DeleteApiKey of another user without write:users', 'auth_enforced');
    const nobody = { params: { path: { user: 'no-such-user-contract' } } };
    expectStatus(ctx, (await admin.GET('/api/v1/users/{user}/apikeys', nobody)).response, 404, 'GetApiKeys of an unknown user');
    expectStatus(ctx, (await admin.POST('/api/v1/users/{user}/apikeys', { ...nobody, body: { name: 'x' } })).response, 404, 'CreateApiKey for an unknown user');
    expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: 'no-such-user-contract', apiKeyId: 'x' } } })).response, 404,
      'DeleteApiKey of an unknown user');
    const forUser = await admin.POST('/api/v1/users/{user}/apikeys', { params: { path: { user: fx.usernames.user } }, body: { name: 'made by admin' } });
    if (expectStatus(ctx, forUser.response, 201, 'CreateApiKey for another user with write:users')) {
      expectStatus(ctx, (await admin.GET('/api/v1/users/{user}/apikeys', { params: { path: { user: fx.usernames.user } } })).response, 200, 'GetApiKeys of another user with read:users');
      expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}/apikeys/{apiKeyId}', { params: { path: { user: fx.usernames.user, apiKeyId: forUser.data!.id } } })).response, 204,
        'DeleteApiKey of another user with write:users');
    }
  },
};
