/**
 * auth_enforced over every operation of the spec: no credentials, a bad key, a malformed bearer
 * token, a non-Bearer Authorization header are 401 (also when the rest of the request is invalid:
 * authentication comes first); a disabled user is 403; a user without the permission an operation
 * names (x-flowmock-permission, compared with the user's roles from /users/me) is 403. PhixFlow
 * endpoints: no token, a forged or unsigned token are 401, a user without the privileges 403.
 */
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import type { Scenario, ScenarioContext } from '../context.js';
import type { Credentials } from '../harness/client.js';
import type { OperationSpec } from '../spec-index.js';
import { apiKey, expectStatus } from '../scenario-kit.js';
import { callOperation, probePath, probeQuery, type RawRequest } from '../generic-call.js';

function baseRequest(ctx: ScenarioContext, op: OperationSpec, pathOverrides: Record<string, string> = {}): RawRequest {
  const media = op.requestBody?.media.map((m) => m.mediaType) ?? [];
  const body = media.includes('application/json') ? ctx.spec.requestExample(op) : undefined;
  // An operation that takes only bytes (a backup, a license): its example, so the proxy accepts the request.
  const bytes = !media.includes('application/json') && media.includes('application/octet-stream') ? ctx.spec.requestExample(op, 'application/octet-stream') : undefined;
  const payload = body !== undefined ? { body } : bytes !== undefined ? { body: bytes, contentType: 'application/octet-stream' } : {};
  return { path: probePath(op, pathOverrides), query: probeQuery(op), ...payload };
}

/** An integer query parameter with a maximum, to make the request invalid besides its credentials. */
function invalidQuery(op: OperationSpec): Record<string, unknown> | null {
  const p = op.parameters.find((x) => x.in === 'query' && typeof x.schema.maximum === 'number');
  return p ? { [p.name]: (p.schema.maximum as number) + 1 } : null;
}

const isPhixflow = (op: OperationSpec) => op.security.some((r) => 'PhixFlowToken' in r);

async function smartflows(ctx: ScenarioContext, op: OperationSpec, userPermissions: Set<string> | null): Promise<void> {
  const fx = ctx.main.fixtures;
  const req = baseRequest(ctx, op);
  const send = (creds: Credentials, lenient: boolean, tag: string, r: RawRequest = req) =>
    callOperation((lenient ? ctx.main.lenient : ctx.main.strict).as(creds, { tags: [tag] }), op, r);
  const expect401 = async (creds: Credentials, lenient: boolean, tag: string, what: string, r?: RawRequest) =>
    expectStatus(ctx, (await send(creds, lenient, tag, r)).response, 401, `${op.operationId} ${what}`, 'auth_enforced', [tag]);

  await expect401(null, true, 'auth:no-credentials', 'without credentials');
  const bad = invalidQuery(op);
  if (bad) await expect401(null, true, 'auth:no-credentials+invalid', 'without credentials and with an invalid query (authentication first)', { ...req, query: { ...req.query, ...bad } });
  await expect401({ apiKey: 'contract-unknown-key-0123456789abcdef' }, false, 'auth:unknown-key', 'with an unknown API key');
  await expect401({ apiKey: 'short' }, false, 'auth:malformed-key', 'with a malformed API key');
  await expect401({ bearer: 'not-a-jwt' }, false, 'auth:malformed-jwt', 'with a malformed bearer token');
  await expect401({ authorization: 'Basic Y29udHJhY3Q6dGVzdA==' }, true, 'auth:not-bearer', 'with a non-Bearer Authorization header');
  if (fx.keys.disabledUser) {
    const status = op.responses.has('403') ? 403 : 401;
    const r = await send(apiKey(fx.keys.disabledUser), false, 'auth:disabled-user');
    expectStatus(ctx, r.response, status, `${op.operationId} as a disabled user`, 'auth_enforced', ['auth:disabled-user']);
  }
  // Missing rights: the operation's permission, against what the user's roles hold.
  if (userPermissions && fx.keys.user && op.permission) {
    const needed = op.permission;
    const own = needed.startsWith('own-or-');
    const perm = own ? needed.slice('own-or-'.length) : needed;
    const holds = userPermissions.has(perm) || (perm === 'read:ownFlowExecutions' && userPermissions.has('read:flowExecutions'));
    if (!holds) {
      const r = own ? baseRequest(ctx, op, { user: fx.usernames.admin }) : req;
      const res = await callOperation(ctx.main.strict.as(apiKey(fx.keys.user), { tags: ['auth:missing-permission'] }), op, r);
      expectStatus(ctx, res.response, 403, `${op.operationId} by a user without ${perm}${own ? " on another user's keys" : ''}`, 'auth_enforced', ['auth:missing-permission']);
    }
  }
}

async function phixflow(ctx: ScenarioContext, op: OperationSpec): Promise<void> {
  const fx = ctx.main.fixtures;
  const af = fx.phixflow.actionflows.sync;
  const path = op.operationId === 'TriggerActionflowV10'
    ? { actionflow: fx.phixflow.actionflows.v10Unique }
    : { application: af.application, actionflow: af.name, ...(op.operationId === 'GetActionflowStatus' ? { processId: 'contract-probe' } : {}) };
  const req: RawRequest = { path, ...(op.requestBody ? { body: [] } : {}) };
  const send = (creds: Credentials, tag: string) => callOperation(ctx.main.strict.as(creds, { tags: [tag] }), op, req);
  const expectAuth = async (creds: Credentials, status: number, tag: string, what: string) =>
    expectStatus(ctx, (await send(creds, tag)).response, status, `${op.operationId} ${what}`, 'auth_enforced', [tag]);

  await expectAuth(null, 401, 'auth:no-token', 'of a protected actionflow without a token');
  await expectAuth({ bearer: 'not-a-jwt' }, 401, 'auth:malformed-token', 'with a malformed token');
  const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(fx.phixflow.users.privileged).setIssuedAt().sign(randomBytes(32));
  await expectAuth({ bearer: forged }, 401, 'auth:forged-token', 'with a token signed by another secret');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  await expectAuth({ bearer: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: fx.phixflow.users.privileged })}.` }, 401, 'auth:alg-none', 'with an unsigned (alg none) token');
  if (fx.phixflow.tokens.unprivileged) {
    await expectAuth({ bearer: fx.phixflow.tokens.unprivileged }, 403, 'auth:missing-privileges', 'with the token of a user without the PhixFlow privileges');
  }
}

export const smartflowsAuthScenario: Scenario = {
  name: 'auth: every Smart Flows operation enforces credentials (401) and rights (403)',
  api: 'smartflows',
  async run(ctx) {
    const fx = ctx.main.fixtures;
    let userPermissions: Set<string> | null = null;
    if (fx.keys.user) {
      const me = await ctx.main.strict.as(apiKey(fx.keys.user)).GET('/api/v1/users/me');
      if (expectStatus(ctx, me.response, 200, "GetCurrentUser (the user's permissions)")) {
        userPermissions = new Set((me.data!.roles ?? []).flatMap((r) => r.permissions ?? []));
      }
    }
    for (const op of ctx.spec.ops) {
      if (op.security.length === 0 || isPhixflow(op)) continue; // anonymous by the spec (health, login), or PhixFlow
      await smartflows(ctx, op, userPermissions);
    }
  },
};

export const phixflowAuthScenario: Scenario = {
  name: 'auth: every PhixFlow endpoint enforces its token (401) and privileges (403)',
  api: 'phixflow',
  async run(ctx) {
    for (const op of ctx.spec.ops) if (isPhixflow(op)) await phixflow(ctx, op);
  },
};
