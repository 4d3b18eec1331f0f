/**
 * Smart Flows user administration (issue 13): administrators create, read, list, filter, update and
 * delete users; a user name is unique (409), roles must exist (400), a user who owns executions is
 * deleted only with force (409 without), and the user's key follows its account (disabled: refused).
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus, needsAdminKey, randomId } from '../scenario-kit.js';
import { followLocation } from '../location.js';

export const usersAdminScenario: Scenario = {
  name: 'smartflows: user administration (create, Location, list, filter, update, disable, delete)',
  api: 'smartflows',
  skip: needsAdminKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = asAdmin(ctx);
    const tag = `ct${ctx.seed}-${Date.now()}`.replace(/[^A-Za-z0-9._@-]/g, '');
    const body = { userName: `${tag}-a`, firstName: 'Contract', lastName: 'Test', emailAddress: `${tag}@example.invalid`, roles: [{ id: 'user' }] };

    const created = await admin.POST('/api/v1/users', { body });
    mustStatus(ctx, created.response, 201, 'CreateUser');
    const user = created.data!;
    ensure(ctx, 'behaves_as_documented', user.userName === body.userName && user.active === true && user.roles?.[0]?.id === 'user', 'CreateUser answers the new user, active, with its role', 'CreateUser');
    const loc = await followLocation(ctx, admin, created.response, 'CreateUser');
    if (loc) ensure(ctx, 'behaves_as_documented', (loc.data as { id?: string } | undefined)?.id === user.id, "the Location is the new user's URL", 'GetUser');
    expectStatus(ctx, (await admin.POST('/api/v1/users', { body })).response, 409, 'CreateUser with a user name in use');
    expectStatus(ctx, (await admin.POST('/api/v1/users', { body: { ...body, userName: `${tag}-x`, roles: [{ id: `no-such-role-${tag}` }] } })).response, 400, 'CreateUser with an unknown role');
    if (fx.keys.user) {
      const asUser = ctx.main.strict.as(apiKey(fx.keys.user));
      expectStatus(ctx, (await asUser.GET('/api/v1/users')).response, 403, 'GetUsers as a plain user (needs read:users)');
    }

    const second = await admin.POST('/api/v1/users', { body: { ...body, userName: `${tag}-b`, emailAddress: '' } });
    mustStatus(ctx, second.response, 201, 'CreateUser (second)');
    const list = await admin.GET('/api/v1/users', { params: { query: { filter: `userName:${tag}`, sort: 'userName,desc', size: 5 } } });
    if (expectStatus(ctx, list.response, 200, 'GetUsers')) {
      ensure(ctx, 'behaves_as_documented', list.data!.map((u) => u.userName).join() === `${tag}-b,${tag}-a`, 'GetUsers filters by user name and sorts descending', 'GetUsers');
    }
    expectStatus(ctx, (await admin.GET('/api/v1/users', { params: { query: { sort: 'noSuchField,asc' } } })).response, 400, 'GetUsers sorted by an unknown property');
    const filtered = await admin.POST('/api/v1/users/filter', { params: { query: { size: 5 } },
      body: { group: { type: 'and', nodes: [{ condition: { key: 'userName', operator: 'like', values: [tag] } }, { condition: { key: 'emailAddress', operator: 'isBlank' } }] } } });
    if (expectStatus(ctx, filtered.response, 200, 'GetFilteredUsers')) {
      ensure(ctx, 'behaves_as_documented', filtered.data!.length === 1 && filtered.data![0].userName === `${tag}-b`, 'the filter body finds the user without an email address', 'GetFilteredUsers');
    }
    expectStatus(ctx, (await admin.POST('/api/v1/users/filter', { body: { group: { type: 'and', nodes: [{ condition: { key: 'noSuchField', operator: 'like', values: ['x'] } }] } } })).response, 400, 'GetFilteredUsers on an unknown property');

    // The user's own key follows its account: refused once disabled.
    const token = await admin.POST('/api/v1/users/{user}/tokens', { params: { path: { user: user.id! } }, body: { displayName: 'contract' } });
    mustStatus(ctx, token.response, 201, 'CreateUserToken for the new user');
    const own = ctx.main.strict.as(apiKey(token.data!.apiKey!));
    const started = await own.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.success } } });
    expectStatus(ctx, started.response, 200, 'ExecuteFlow as the new user');
    const disabled = await admin.PUT('/api/v1/users/{user}', { params: { path: { user: user.id! } }, body: { ...body, firstName: 'Renamed', active: false } });
    if (expectStatus(ctx, disabled.response, 200, 'UpdateUser')) {
      ensure(ctx, 'behaves_as_documented', disabled.data!.firstName === 'Renamed' && disabled.data!.active === false, 'UpdateUser answers the changed user', 'UpdateUser');
      expectStatus(ctx, (await own.GET('/api/v1/users/me')).response, 403, "GetCurrentUser with a disabled user's key");
    }
    expectStatus(ctx, (await admin.PUT('/api/v1/users/{user}', { params: { path: { user: user.id! } }, body: { ...body, userName: `${tag}-b` } })).response, 409, "UpdateUser to another user's name");
    expectStatus(ctx, (await admin.PUT('/api/v1/users/{user}', { params: { path: { user: user.id! } }, body: { ...body, emailAddress: 'not an address' } })).response, 400, 'UpdateUser with a bad email address');
    const none = randomId();
    expectStatus(ctx, (await admin.PUT('/api/v1/users/{user}', { params: { path: { user: none } }, body })).response, 404, 'UpdateUser of an unknown user');
    expectStatus(ctx, (await admin.GET('/api/v1/users/{user}', { params: { path: { user: none } } })).response, 404, 'GetUser of an unknown user');

    if (started.response.status === 200) {
      expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}', { params: { path: { user: user.id! } } })).response, 409, 'DeleteUser of a user who owns an execution, without force');
    }
    expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}', { params: { path: { user: user.id! }, query: { force: true } } })).response, 200, 'DeleteUser with force');
    expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}', { params: { path: { user: second.data!.id! } } })).response, 200, 'DeleteUser');
    expectStatus(ctx, (await admin.GET('/api/v1/users/{user}', { params: { path: { user: user.id! } } })).response, 404, 'GetUser after delete');
    expectStatus(ctx, (await admin.DELETE('/api/v1/users/{user}', { params: { path: { user: user.id! } } })).response, 404, 'DeleteUser again');
    // The sandbox directory: a sync makes its active users local; a second sync changes nothing.
    expectStatus(ctx, (await admin.POST('/api/v1/users/external')).response, 200, 'SyncExternalUsers');
    const again = await admin.POST('/api/v1/users/external');
    if (expectStatus(ctx, again.response, 200, 'SyncExternalUsers again')) {
      ensure(ctx, 'behaves_as_documented', again.data?.addCount === 0 && again.data?.updateCount === 0 && again.data?.deactivatedCount === 0, 'a second sync of the same directory changes nothing', 'SyncExternalUsers');
    }
    const external = await admin.GET('/api/v1/users/external', { params: { query: { filter: 'active:true', sort: 'userName,asc' } } });
    if (expectStatus(ctx, external.response, 200, 'GetExternalUsers')) {
      const alice = (external.data ?? []).find((u) => u.userName === 'ext.alice');
      ensure(ctx, 'behaves_as_documented', alice?.identity?.type === 'external' && typeof alice?.id === 'string', 'a synced directory user is external and names its local user', 'GetExternalUsers');
      if (alice?.id) expectStatus(ctx, (await admin.GET('/api/v1/users/{user}', { params: { path: { user: alice.id } } })).response, 200, 'GetUser of a synced directory user');
    }
    expectStatus(ctx, (await admin.GET('/api/v1/users/external', { params: { query: { sort: 'password,asc' } } })).response, 400, 'GetExternalUsers sorted by an unknown property');
  },
};
