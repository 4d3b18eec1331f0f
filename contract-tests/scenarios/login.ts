/** Smart Flows login: a wrong password is a 401; the right one gives a JWT that works as a bearer token. */
import type { Scenario } from '../context.js';
import { ensure, expectStatus, mustStatus } from '../scenario-kit.js';

export const loginScenario: Scenario = {
  name: 'smartflows: login and JWT bearer',
  api: 'smartflows',
  skip: (ctx) => (ctx.main.fixtures.login ? null : 'needs login (username, password)'),
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const login = fx.login!;
    const anon = ctx.main.strict.as(null);
    expectStatus(ctx, (await anon.POST('/api/v1/authenticate/login', { body: { username: login.username, password: `${login.password}-wrong` } })).response, 401,
      'Login with a wrong password', 'auth_enforced');
    expectStatus(ctx, (await anon.POST('/api/v1/authenticate/login', { body: { username: 'no-such-user-contract', password: 'whatever-password' } })).response, 401,
      'Login of an unknown user', 'auth_enforced');
    const ok = await anon.POST('/api/v1/authenticate/login', { body: { username: login.username, password: login.password, loginContext: 'api' } });
    mustStatus(ctx, ok.response, 200, 'Login with the right password');
    ensure(ctx, 'behaves_as_documented', ok.data!.tokenType === 'Bearer' && Date.parse(ok.data!.expiresAt) > Date.now(), 'Login answers a Bearer token that has not expired', 'Login');
    const withJwt = ctx.main.strict.as({ bearer: ok.data!.token });
    const me = await withJwt.GET('/api/v1/users/me');
    if (expectStatus(ctx, me.response, 200, 'GetCurrentUser with the login JWT')) {
      ensure(ctx, 'behaves_as_documented', me.data!.username === login.username, 'the JWT acts as the user who logged in', 'GetCurrentUser');
    }
    expectStatus(ctx, (await withJwt.GET('/api/v1/flows')).response, 200, 'GetFlows with the login JWT');
    const tampered = ok.data!.token.slice(0, -4) + (ok.data!.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expectStatus(ctx, (await ctx.main.strict.as({ bearer: tampered }).GET('/api/v1/users/me')).response, 401, 'GetCurrentUser with a tampered JWT', 'auth_enforced');
  },
};
