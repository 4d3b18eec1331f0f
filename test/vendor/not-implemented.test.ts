/**
 * Issue 13: the vendor operations no handler serves yet answer their spec-declared 501 problem, and
 * only to a caller who may call them with a valid request. Proves the list in
 * src/api/not-implemented.ts is exactly the operations whose spec declares the 501 (so the 501 is
 * neither undocumented nor documented where a handler answers), that every listed operation is
 * bound to the generic handler and no other operation is, and what a caller sees over HTTP:
 * 401 and 403 and 400 before the 501, the 501 problem naming the operation, anonymous operations
 * without credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../src/api/handlers.js';
import { NOT_IMPLEMENTED, notImplemented } from '../../src/api/not-implemented.js';
import { listOperations, loadBundledSpec } from '../../src/http/openapi-document.js';
import { loadVendorContract } from '../../src/contract/vendor/contract.js';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem } from '../support/problem.js';
import { validRequest } from '../integrator/support.js';
import { CoverageTracker, computeCoverage } from '../../src/contract/coverage.js';

const doc = loadBundledSpec();
const ops = listOperations(doc);
const declares501 = ops.filter((o) => o.responses.has('501')).map((o) => o.operationId).sort();
const listed: string[] = [...NOT_IMPLEMENTED].sort();

describe('the not-implemented list and the spec', () => {
  it('lists each operation once, and exactly the operations whose spec declares the 501', () => {
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(declares501);
  });

  it('lists only vendor Smart Flows operations (flowmock\'s own operations are all implemented)', () => {
    const vendor = new Set(loadVendorContract().operations.map((o) => o.operation));
    expect(listed.filter((id) => !vendor.has(id))).toEqual([]);
  });

  it('binds every listed operation to the generic handler and no other operation to it', () => {
    const table = handlers as unknown as Record<string, unknown>;
    expect(listed.filter((id) => table[id] !== notImplemented), 'listed, but bound to a real handler: remove them from NOT_IMPLEMENTED and their 501 from the spec').toEqual([]);
    const others = ops.map((o) => o.operationId).filter((id) => !listed.includes(id));
    expect(others.filter((id) => table[id] === notImplemented)).toEqual([]);
  });

  it("the contract coverage matrix counts their vendor 2xx, 404 and 409 as unreachable, never the checks before the handler or the 501", () => {
    const cov = computeCoverage(ops, new CoverageTracker());
    const get = (id: string) => cov.rows.find((r) => r.operationId === id)!.statuses;
    const unreachable = (id: string) => get(id).filter((st) => st.unreachable).map((st) => st.status);
    const gaps = (id: string) => get(id).filter((st) => !st.unreachable).map((st) => st.status);
    expect(unreachable('CreateDatasetData')).toEqual([201, 404, 409]);
    expect(gaps('CreateDatasetData')).toEqual([400, 401, 403, 413, 415, 501]);
    // Every listed operation: exactly its vendor 2xx, 404 and 409.
    for (const id of listed) expect(unreachable(id), id).toEqual(get(id).map((st) => st.status).filter((st) => st < 300 || st === 404 || st === 409));
    // An implemented operation gets nothing from this rule (GetTemplates: the resource engine's; GetSystemPrinter: implemented since).
    expect(unreachable('GetPrinters')).toEqual([]);
    expect(unreachable('GetSystemPrinter')).toEqual([]);
    expect(unreachable('GetTemplates')).toEqual([]);
  });

  it('declares the 501 as the shared NotImplemented problem with an example', () => {
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
    const refs = ops.filter((o) => o.responses.has('501')).map((o) => paths[o.path][o.method.toLowerCase()].responses['501'].$ref);
    expect(new Set(refs)).toEqual(new Set(['#/components/responses/NotImplemented']));
    const component = (doc.components as Record<string, Record<string, any>>).responses.NotImplemented; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(component['x-flowmock-choice']).toMatch(/not yet implemented/);
    expect(Object.values(component.content['application/problem+json'].examples)[0]).toMatchObject({ value: { status: 501, type: 'urn:flowmock:problem:not-implemented' } });
  });
});

describe('a not-implemented operation over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startServer(); });
  afterAll(async () => { await s?.close(); });

  it('answers 401 without credentials, before anything else', async () => {
    await expectProblem(await s.call('/api/v1/templates', { key: null }), 401);
  });

  it('answers 403 to a user without the permission (the integrator lacks read:templates)', async () => {
    await expectProblem(await s.call('/api/v1/templates'), 403, { detail: 'read:templates' });
  });

  it('answers 400 to an invalid request of a caller who may call it (validation before the 501)', async () => {
    await expectProblem(await s.call('/api/v1/templates?size=1000', { key: s.adminKey }), 400, { field: { in: 'query', pointer: '/size' } });
    const post = await s.call('/api/v1/templates', { key: s.adminKey, method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    await expectProblem(post, 415);
    // A boolean query that is neither true nor false (the contract's negative cases send these too).
    await expectProblem(await s.call('/api/v1/system/backup?includeHistory=xyes', { key: s.adminKey, method: 'POST' }), 400, { field: { in: 'query', pointer: '/includeHistory' } });
  });

  it('answers the 501 problem naming the operation to a caller who may call it with a valid request', async () => {
    // The first operation still listed (the list shrinks as operations are implemented).
    const op = ops.find((o) => o.responses.has('501'));
    if (!op) return;
    const { url, init } = validRequest(doc, op, s.adminKey);
    const problem = await expectProblem(await fetch(s.base + url, init), 501, { detail: `${op.operationId} (${op.method.toUpperCase()} ${url.split('?')[0]})` });
    expect(problem).toMatchObject({ type: 'urn:flowmock:problem:not-implemented', title: 'Not implemented' });
  });

  it('answers the 501 to anyone on an operation the vendor leaves anonymous (GetPlugins)', async () => {
    await expectProblem(await s.call('/api/v1/plugins', { key: null }), 501, { detail: 'GetPlugins' });
  });

  it(`answers the 501 on every listed operation (${NOT_IMPLEMENTED.length}) to the administrator with a valid request`, async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.responses.has('501'))) {
      const { url, init } = validRequest(doc, op, s.adminKey);
      const res = await fetch(s.base + url, init);
      const text = await res.text();
      if (res.status !== 501 || !text.includes(op.operationId)) wrong.push(`${op.operationId} ${op.method} ${url}: ${res.status} ${text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });
});
