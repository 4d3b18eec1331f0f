/**
 * Every error class of the HTTP core answers application/problem+json with the right status and,
 * for invalid input, names the field by JSON pointer and the rule it broke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { problemOf } from '../support/problem.js';

let s: TestServer;
beforeAll(async () => { s = await startServer({ bodyLimitBytes: 64 * 1024 }); });
afterAll(async () => { await s.close(); });

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('400: invalid input names the field and the rule', () => {
  it('malformed JSON is a 400 with rule wellFormed at the body root', async () => {
    const res = await s.call('/api/v1/flows/executions/filter', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"group":' });
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.errors?.[0]).toMatchObject({ in: 'body', pointer: '', rule: 'wellFormed' });
  });

  it('a body breaking the schema names each field by pointer (enum and required)', async () => {
    const res = await s.call('/api/v1/flows/executions/filter', json({ group: { type: 'xor', nodes: [{ condition: { key: 'status', values: ['Success'] } }] } }));
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    const pointers = p.errors!.map((e) => `${e.pointer} ${e.rule}`);
    expect(pointers).toContain('/group/type enum');
    expect(pointers).toContain('/group/nodes/0/condition/operator required');
  });

  it('an unknown filter key is a 400, not an empty list', async () => {
    const res = await s.call('/api/v1/flows/executions/filter', json({ group: { type: 'and', nodes: [{ condition: { key: 'owner', operator: 'in', values: ['x'] } }] } }));
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors![0]).toMatchObject({ in: 'body', pointer: '/group/nodes/0/condition/key', rule: 'enum' });
  });

  it('a query parameter out of range is a 400 naming it (size > 100)', async () => {
    const res = await s.call('/api/v1/flows/executions?size=101');
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/size', rule: 'maximum' })]);
  });

  it('a query parameter of the wrong type is a 400 naming it', async () => {
    const res = await s.call('/api/v1/flows/executions?page=first');
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors![0]).toMatchObject({ in: 'query', pointer: '/page', rule: 'type' });
  });

  it('a query parameter breaking its rule is a 400 naming it (flowId at most 200 characters)', async () => {
    const res = await s.call(`/api/v1/flows/executions?flowId=${'x'.repeat(201)}`, { method: 'POST' });
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors![0]).toMatchObject({ in: 'query', pointer: '/flowId', rule: 'maxLength' });
  });

  it('a missing required body is a 400', async () => {
    const res = await s.call('/api/v1/printers', { method: 'POST', key: s.adminKey });
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors![0]).toMatchObject({ in: 'body', rule: 'required' });
  });

  it('a body that is not UTF-8 is a 400', async () => {
    const res = await s.call('/api/v1/printers', { method: 'POST', key: s.adminKey, headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    const p = await problemOf(res);
    expect(res.status).toBe(400);
    expect(p.errors![0]).toMatchObject({ in: 'body', rule: 'encoding' });
  });

  it('a percent-encoding error in the path is a 400', async () => {
    const res = await s.call('/api/v1/flows/executions/%E0%A4%A');
    expect(res.status).toBe(400);
    await problemOf(res);
  });
});

describe('413, 415, 404, 405', () => {
  it('a body over the limit is a 413', async () => {
    const res = await s.call('/api/v1/printers', { method: 'POST', key: s.adminKey, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'x'.repeat(70 * 1024) }) });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).detail).toMatch(/limit of 65536 bytes/);
  });

  it('an unsupported media type is a 415 listing the accepted ones', async () => {
    const res = await s.call('/api/v1/printers', { method: 'POST', key: s.adminKey, headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toContain('application/json');
  });

  it('an unknown path is a 404', async () => {
    const res = await s.call('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    await problemOf(res);
  });

  it('a known path with a wrong method is a 405 with Allow', async () => {
    const res = await s.call('/api/v1/printers', { method: 'PATCH' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    await problemOf(res);
  });

  it('HEAD of a GET operation answers its status and headers without a body', async () => {
    const get = await s.call('/api/v1/flows');
    const head = await s.call('/api/v1/flows', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await s.call('/api/v1/flows', { method: 'HEAD', key: null })).status).toBe(401);
  });

  it('a literal segment wins over a parameter: POST /flows/executions/filter is the filter, not an execution', async () => {
    const res = await s.call('/api/v1/flows/executions/filter', json({ group: { type: 'and', nodes: [] } }));
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true); // a list of executions, as the vendor's plain array
  });
});

describe('401 and 403', () => {
  it('no credentials is a 401', async () => {
    const res = await s.call('/api/v1/users/me', { key: null });
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/X-API-Key/);
  });

  it('a wrong key is a 401', async () => {
    const res = await s.call('/api/v1/users/me', { key: `fm_${'0'.repeat(32)}_${'A'.repeat(43)}` });
    expect(res.status).toBe(401);
    await problemOf(res);
  });

  it('two X-API-Key headers are a 401', async () => {
    const headers = new Headers();
    headers.append('X-API-Key', s.integratorKey);
    headers.append('X-API-Key', s.adminKey);
    const res = await fetch(`${s.base}/api/v1/users/me`, { headers });
    expect(res.status).toBe(401);
  });

  it('the header name is case-insensitive (X-API-KEY as in the vendor text)', async () => {
    const res = await fetch(`${s.base}/api/v1/users/me`, { headers: { 'X-API-KEY': s.integratorKey } });
    expect(res.status).toBe(200);
  });

  it('a valid key without the permission is a 403 naming the permission', async () => {
    const res = await s.call('/api/v1/printers', { ...json({ displayName: 'P', definition: { id: 'd' } }) });
    expect(res.status).toBe(403);
    expect((await problemOf(res)).detail).toContain('write:printers');
  });

  it('authentication comes before validation: a bad request without credentials is a 401', async () => {
    const res = await s.call('/api/v1/flows/executions?size=1000', { key: null });
    expect(res.status).toBe(401);
  });
});

describe('a handler bug is a logged 500 with a request id, never a hang', () => {
  it('echoes the caller\'s X-Request-Id', async () => {
    const res = await s.call('/api/v1/users/me', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});
