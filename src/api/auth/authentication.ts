/**
 * The vendor's anonymous authentication operations: login methods, password login (JWT per
 * scope), OAuth2 (no provider in the sandbox: a 409 problem), password reset via the sandbox outbox.
 */
import type { Handlers } from '../../handler-contract/handler-types.js';
import { conflict, invalidField } from '../../handler-contract/problem.js';
import { presentUser } from '../users/presenters.js';

export const authenticationHandlers: Pick<Handlers,
  'AuthenticateGet' | 'AuthenticateLoginPost' | 'AuthenticateOauth2Post' | 'ResetPassword' | 'AuthorizeResetPassword' | 'GetSandboxOutbox'> = {
  AuthenticateGet() {
    return {
      status: 200,
      body: {
        login: { enabled: true },
        resetPasswordSupported: true,
        oauth2: [],
        methods: [{ methodType: 'password', id: 'password', displayName: 'User name and password' }],
      },
    };
  },

  async AuthenticateLoginPost(ctx) {
    const { username, password, scope } = ctx.body!;
    const { store, credentials, now } = ctx.services;
    const tokenScope = scope && scope.length ? scope : 'api';
    const { token, user } = await credentials.login(username, password, { scope: tokenScope, clientAddress: ctx.req.socket.remoteAddress });
    await store.users.recordLogin(user.id, now().toISOString());
    const fresh = (await store.users.byId(user.id)) ?? user;
    return { status: 200, body: { user: await presentUser(store, fresh), tokens: [{ scope: tokenScope, token }] } };
  },

  AuthenticateOauth2Post() {
    throw conflict('No OAuth2 provider is configured on this server; log in with a user name and password.');
  },

  async ResetPassword(ctx) {
    await ctx.services.passwordResets.request(ctx.body!.username, ctx.body!.path);
    return { status: 200, body: {} };
  },

  async AuthorizeResetPassword(ctx) {
    const { userId, resetToken, password } = ctx.body!;
    if (!await ctx.services.passwordResets.authorize(userId, resetToken, password)) {
      throw invalidField('body', '/resetToken', 'pendingResetToken', 'not the pending reset token of this user (wrong, spent or expired)');
    }
    return { status: 200, body: {} };
  },

  GetSandboxOutbox(ctx) {
    return { status: 200, body: ctx.services.passwordResets.outbox() };
  },
};
