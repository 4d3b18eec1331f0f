/** Login methods and password login (JWT). */
import type { Handlers } from '../../http/handler-types.js';

export const authenticationHandlers: Pick<Handlers, 'GetAuthenticationMethods' | 'Login'> = {
  GetAuthenticationMethods() {
    return {
      status: 200,
      body: { methods: [{ type: 'password', loginUrl: '/api/v1/authenticate/login' }, { type: 'apiKey', header: 'X-API-Key' }] },
    };
  },

  async Login(ctx) {
    const { username, password } = ctx.body!;
    const { token, expiresAt } = await ctx.services.credentials.login(username, password, ctx.req.socket.remoteAddress);
    return { status: 200, body: { token, tokenType: 'Bearer', expiresAt } };
  },
};
