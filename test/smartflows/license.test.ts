/**
 * The licence and the notifications: the stated sandbox licence until one is installed; a
 * flowmock-license file checked rule by rule (a 400 naming where and the rule), kept in the store
 * and answered by GetLicense; expiry on the engine clock; the notice derived from that state and
 * from executions that failed.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, expectProblem, json, pollUntil, startFlow } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer({ speed: 0, clock: 'virtual' }); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const DAY = 24 * 60 * 60 * 1000;

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Obj)[k])]));
  return v;
}
/** A licence file as an issuer makes one: the documented checksum over the rest. */
function licenseFile(fields: Obj): Obj {
  const file = { format: 'flowmock-license', version: 1, ...fields };
  return { ...file, checksum: createHash('sha256').update(JSON.stringify(canonical(file))).digest('hex') };
}
const install = (body: string | Obj, key = s.adminKey) => s.call('/api/v1/system/license', {
  method: 'POST', key, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/octet-stream' },
});
const notification = async () => json<Obj>(await s.call('/api/v1/system/notifications', { key: null }));

describe('licence and notifications', () => {
  it('the sandbox licence until one is installed, with the users counted; anyone may read it; all is well', async () => {
    const lic = await json<Obj>(await s.call('/api/v1/system/license', { key: null }));
    expect(lic).toMatchObject({ id: 'flowmock-sandbox', edition: 'sandbox', valid: true, expired: false, plugins: [] });
    expect(lic.expiry).toBeUndefined();
    expect(lic.limits.users.used).toBe(3); // the seeded users
    expect(lic.limits.users.max).toBeUndefined();
    const n = await notification();
    expect(n).toMatchObject({ severity: 'info', key: 'system.ok', targetRoles: ['administrator'] });
    expect(n.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('InstallLicense: a valid file replaces the licence in force; GetLicense answers it with what is used', async () => {
    const expiry = new Date(s.clock().now().getTime() + 60 * DAY).toISOString();
    const file = licenseFile({ id: 'acme-1', displayName: 'ACME test', edition: 'enterprise', flavour: 'cloud', expiry, limits: { users: 10, documents: { interval: 'year', max: 1000 }, packs: 2 }, plugins: ['DocuSign'] });
    const answered = await json<Obj>(await install(file));
    expect(answered).toMatchObject({
      id: 'acme-1', displayName: 'ACME test', edition: 'enterprise', flavour: 'cloud', expiry, valid: true, expired: false,
      limits: { users: { used: 3, max: 10 }, documents: { interval: 'year', max: 1000 }, packs: { remaining: 2 } }, plugins: [{ displayName: 'DocuSign' }],
    });
    expect(answered.limits.documents.since).toBe(`${s.clock().now().getUTCFullYear()}-01-01T00:00:00.000Z`);
    expect(await json<Obj>(await s.call('/api/v1/system/license', { key: null }))).toEqual(answered);
  });

  it('a file that breaks a rule is a 400 naming where and the rule, and changes nothing', async () => {
    const before = await json<Obj>(await s.call('/api/v1/system/license', { key: null }));
    const expiry = new Date(s.clock().now().getTime() + 60 * DAY).toISOString();
    const ok = { id: 'x', displayName: 'X', edition: 'e', expiry };
    await expectProblem(await install('not json'), 400, { field: { in: 'body', pointer: '', rule: 'format' } });
    await expectProblem(await install({ ...licenseFile(ok), format: 'other' }), 400, { field: { in: 'body', pointer: '/format', rule: 'const' } });
    await expectProblem(await install(licenseFile({ ...ok, id: '' })), 400, { field: { in: 'body', pointer: '/id', rule: 'required' } });
    await expectProblem(await install(licenseFile({ ...ok, seats: 4 })), 400, { field: { in: 'body', pointer: '/seats', rule: 'additionalProperties' } });
    await expectProblem(await install(licenseFile({ ...ok, expiry: 'next year' })), 400, { field: { in: 'body', pointer: '/expiry', rule: 'format' } });
    await expectProblem(await install(licenseFile({ ...ok, limits: { users: -1 } })), 400, { field: { in: 'body', pointer: '/limits/users', rule: 'minimum' } });
    await expectProblem(await install(licenseFile({ ...ok, limits: { documents: { interval: 'week', max: 1 } } })), 400, { field: { in: 'body', pointer: '/limits/documents/interval', rule: 'enum' } });
    await expectProblem(await install({ ...licenseFile(ok), edition: 'platinum' }), 400, { field: { in: 'body', pointer: '/checksum', rule: 'checksum' } });
    await expectProblem(await install(licenseFile({ ...ok, expiry: new Date(s.clock().now().getTime() - DAY).toISOString() })), 400, { field: { in: 'body', pointer: '/expiry', rule: 'expired' } });
    await expectProblem(await install(licenseFile(ok), s.integratorKey), 403, { detail: 'write:system' });
    expect(await json<Obj>(await s.call('/api/v1/system/license', { key: null }))).toEqual(before);
  });

  it('notifications follow the state: a failed execution, then the licence nearing expiry, then expired', async () => {
    const failed = await startFlow(s, FLOW.error, { key: s.adminKey });
    expect((await pollUntil(s, failed.id, { key: s.adminKey, until: STABLE })).at(-1)!.status).toBe('Error');
    const onFailure = await notification();
    expect(onFailure).toMatchObject({ severity: 'warning', key: 'executions.failed', targetRoles: ['administrator', 'super-user'] });
    expect(onFailure.message).toContain(failed.id);
    expect(await notification()).toEqual(onFailure); // stable while the cause lasts

    await s.advance(31 * DAY); // the licence (60 days) now expires within 30; the failure is over a day old
    const expiring = await notification();
    expect(expiring).toMatchObject({ severity: 'warning', key: 'license.expiring' });
    expect(expiring.message).toContain('in 29 days');

    await s.advance(30 * DAY);
    const expired = await notification();
    expect(expired).toMatchObject({ severity: 'critical', key: 'license.expired' });
    expect(await json<Obj>(await s.call('/api/v1/system/license', { key: null }))).toMatchObject({ id: 'acme-1', valid: false, expired: true });
  });

  it('a licence whose document limit is reached is a critical notice', async () => {
    const expiry = new Date(s.clock().now().getTime() + 365 * DAY).toISOString();
    await json(await install(licenseFile({ id: 'tiny', displayName: 'Tiny', edition: 'trial', expiry, limits: { documents: { interval: 'month', max: 0 } } })));
    expect(await notification()).toMatchObject({ severity: 'critical', key: 'license.documents' });
  });
});
