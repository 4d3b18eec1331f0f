/** Smart Flows login: a wrong password is a 401; the right one answers the vendor's Authentication (user, tokens per scope), whose JWT works as a bearer token. */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, expectStatus, mustStatus } from '../scenario-kit.js';

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
    const ok = await anon.POST('/api/v1/authenticate/login', { body: { username: login.username, password: login.password, scope: 'api', loginContext: 'api' } });
    mustStatus(ctx, ok.response, 200, 'Login with the right password');
    const jwt = ok.data!.tokens?.[0]?.token ?? '';
    ensure(ctx, 'behaves_as_documented', ok.data!.user?.userName === login.username && ok.data!.tokens?.length === 1 && ok.data!.tokens[0].scope === 'api' && jwt.split('.').length === 3,
      'Login answers the user and one JWT for the scope asked', 'AuthenticateLoginPost');
    const withJwt = ctx.main.strict.as({ bearer: jwt });
    const me = await withJwt.GET('/api/v1/users/me');
    if (expectStatus(ctx, me.response, 200, 'GetCurrentUser with the login JWT')) {
      ensure(ctx, 'behaves_as_documented', me.data!.userName === login.username, 'the JWT acts as the user who logged in', 'GetCurrentUser');
    }
    expectStatus(ctx, (await withJwt.GET('/api/v1/flows')).response, 200, 'GetFlows with the login JWT');
    const tampered = jwt.slice(0, -4) + (jwt.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expectStatus(ctx, (await ctx.main.strict.as({ bearer: tampered }).GET('/api/v1/users/me')).response, 401, 'GetCurrentUser with a tampered JWT', 'auth_enforced');
    expectStatus(ctx, (await anon.POST('/api/v1/authenticate/oauth2', { body: { responseParams: 'code=x' } })).response, 409, 'AuthenticateOauth2Post without an OAuth2 provider');
    const reset = await anon.POST('/api/v1/authenticate/reset', { body: { username: 'no-such-user-contract' } });
    expectStatus(ctx, reset.response, 200, 'ResetPassword of an unknown user (reveals nothing)');
    expectStatus(ctx, (await anon.POST('/api/v1/authenticate/authorizeReset', { body: { userId: 'no-such-user', resetToken: 'wrong', password: 'whatever-password' } })).response, 400,
      'AuthorizeResetPassword with a wrong token');
    // The whole reset, through flowmock's sandbox outbox (an administrator reads it): the new
    // password is the old one, so the fixture keeps working.
    if (fx.keys.admin) {
      expectStatus(ctx, (await anon.POST('/api/v1/authenticate/reset', { body: { username: login.username, path: '/reset' } })).response, 200, 'ResetPassword of the login user');
      const outbox = await asAdmin(ctx).GET('/__flowmock/outbox');
      if (expectStatus(ctx, outbox.response, 200, 'GetSandboxOutbox')) {
        const mail = outbox.data!.find((m) => m.kind === 'passwordReset' && m.userId === ok.data!.user?.id);
        ensure(ctx, 'behaves_as_documented', !!mail?.resetToken && !!mail.link?.includes(mail.resetToken), 'the outbox holds the reset mail with its token and link', 'GetSandboxOutbox');
        if (mail?.resetToken) {
          const done = await anon.POST('/api/v1/authenticate/authorizeReset', { body: { userId: mail.userId, resetToken: mail.resetToken, password: login.password } });
          expectStatus(ctx, done.response, 200, 'AuthorizeResetPassword with the mailed token');
          expectStatus(ctx, (await anon.POST('/api/v1/authenticate/authorizeReset', { body: { userId: mail.userId, resetToken: mail.resetToken, password: login.password } })).response, 400,
            'AuthorizeResetPassword with a spent token');
        }
      }
    }
  },
};
