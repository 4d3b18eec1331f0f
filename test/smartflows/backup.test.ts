/**
 * CreateBackup and RestoreBackup over HTTP (issue 13). Proves: the archive is gzip'd JSON of the
 * regular collections (with references and content, every revision with includeHistory), printers
 * and API flows, and no users or keys; a restore makes every one of those collections equal to the
 * archive (a backup taken after the restore equals the restored one, objects made since are gone,
 * content comes back byte for byte); a bad archive is a 400 naming where and changes nothing; an
 * archive that unpacks too big is a 413; both need write:system (a plain User's key gets 403).
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const admin = (path: string, init: RequestInit = {}) => s.call(path, { key: s.adminKey, ...init });
const sendJson = (path: string, method: string, body: unknown) => admin(path, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const putBytes = (path: string, bytes: Buffer) => admin(path, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });

async function backup(query = ''): Promise<{ bytes: Buffer; archive: Obj }> {
  const res = await admin(`/api/v1/system/backup${query}`, { method: 'POST' });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="flowmock-backup-.*\.json\.gz"$/);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, archive: JSON.parse(gunzipSync(bytes).toString('utf8')) };
}
const restore = (bytes: Buffer, key = s.adminKey) =>
  s.call('/api/v1/system/backup/restore', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' }, key });
/** The archive without its own time: what two backups of the same state share. */
const stateOf = (a: Obj) => ({ ...a, createdAt: undefined });
/** A flow created over the API (CreateFlow): one document step. */
const apiFlow = (displayName: string) => ({
  type: 'advanced', displayName, input: { type: 'user' },
  body: { preZones: [{ id: 'z', displayName: 'Z', blocks: [{ id: 'letter', step: { stepId: 'document', parameters: { fileName: 'a.pdf', template: 'x' } } }] }] },
});

describe('CreateBackup', () => {
  it('answers gzip\'d JSON of the collections (the seeded templates, languages, ...), printers and API flows, without users or keys', async () => {
    const { archive } = await backup();
    expect(archive).toMatchObject({ format: 'flowmock-backup', version: 1, includeHistory: false, printers: [], apiFlows: [] });
    const types = new Set(archive.resources.map((o: Obj) => o.record.type));
    expect(types.has('template')).toBe(true);
    expect(types.has('language')).toBe(true);
    const text = JSON.stringify(archive);
    expect(text).not.toContain('scrypt$');
    expect(text).not.toContain(s.adminKey);
    expect(Object.keys(archive).sort()).toEqual(['apiFlows', 'createdAt', 'format', 'includeHistory', 'printers', 'resources', 'version']);
  });

  it('keeps the newest content revision only, and every revision with includeHistory=true', async () => {
    const asset = await json<Obj>(await sendJson('/api/v1/assets', 'POST', { displayName: 'zz-backup-history', contentType: 'application/octet-stream' }), 201);
    await json(await putBytes(`/api/v1/assets/${asset.id}/content`, Buffer.from('first')));
    await json(await putBytes(`/api/v1/assets/${asset.id}/content`, Buffer.from('second')));
    const contentsOf = (a: Obj) => a.resources.find((o: Obj) => o.record.id === asset.id).contents.map((c: Obj) => Buffer.from(c.data, 'base64').toString());
    expect(contentsOf((await backup()).archive)).toEqual(['second']);
    expect(contentsOf((await backup('?includeHistory=true')).archive)).toEqual(['first', 'second']);
    await json(await admin(`/api/v1/assets/${asset.id}`, { method: 'DELETE' }));
  });
});

describe('RestoreBackup: a round trip', () => {
  it('makes every collection equal to the archive: what was added since is gone, what was changed or deleted is back, content byte for byte', async () => {
    const template = await json<Obj>(await sendJson('/api/v1/templates', 'POST', { displayName: 'zz-backup-template', description: 'before' }), 201);
    const bytes = randomBytes(5000);
    await json(await putBytes(`/api/v1/templates/${template.id}/content?lang=en`, bytes));
    const printer = await json<Obj>(await sendJson('/api/v1/printers', 'POST', { displayName: 'zz-backup-printer', definition: { id: 'generic-pdf' }, flavor: 'jps' }), 201);
    const kept = await json<Obj>(await sendJson('/api/v1/flows', 'POST', apiFlow('zz-backup-kept-flow')));
    const saved = await backup('?includeHistory=true');
    expect(saved.archive.apiFlows.map((f: Obj) => f.id)).toEqual([kept.id]);

    // Changes after the backup: a new object, a changed one, a deleted printer, new content.
    const added = await json<Obj>(await sendJson('/api/v1/assets', 'POST', { displayName: 'zz-backup-added', contentType: 'text/plain' }), 201);
    await json(await sendJson(`/api/v1/templates/${template.id}`, 'PUT', { ...template, description: 'after' }));
    await json(await putBytes(`/api/v1/templates/${template.id}/content?lang=en`, Buffer.from('replaced')));
    await json(await admin(`/api/v1/printers/${printer.id}`, { method: 'DELETE' }));
    const addedFlow = await json<Obj>(await sendJson('/api/v1/flows', 'POST', apiFlow('zz-backup-added-flow')));
    expect(stateOf((await backup('?includeHistory=true')).archive)).not.toEqual(stateOf(saved.archive));

    const answer = await json<Obj>(await restore(saved.bytes));
    expect(answer.restored).toMatchObject({ resources: saved.archive.resources.length, printers: 1, apiFlows: 1 });
    expect(stateOf((await backup('?includeHistory=true')).archive)).toEqual(stateOf(saved.archive));
    await expectProblem(await admin(`/api/v1/assets/${added.id}`), 404);
    // The flow catalog was reloaded: the API flow made since is gone, the archived one served.
    await expectProblem(await admin(`/api/v1/flows/${addedFlow.id}`), 404);
    expect((await json<Obj>(await admin(`/api/v1/flows/${kept.id}`))).displayName).toBe('zz-backup-kept-flow');
    expect((await json<Obj>(await admin(`/api/v1/templates/${template.id}`))).description).toBe('before');
    expect((await json<Obj>(await admin(`/api/v1/printers/${printer.id}`))).displayName).toBe('zz-backup-printer');
    const content = await admin(`/api/v1/templates/${template.id}/content?lang=en`);
    expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('leaves users and their keys as they are (the caller\'s key still works after a restore)', async () => {
    const before = (await json<Obj[]>(await admin('/api/v1/users?size=100'))).map((u) => u.userName);
    await json(await restore((await backup()).bytes));
    expect((await json<Obj[]>(await admin('/api/v1/users?size=100'))).map((u) => u.userName)).toEqual(before);
    expect((await s.call('/api/v1/users/me')).status).toBe(200); // the integrator's key
  });
});

describe('RestoreBackup: what it refuses, and what it fills in', () => {
  const gz = (v: unknown) => gzipSync(typeof v === 'string' ? v : JSON.stringify(v));
  const archive = (over: Obj = {}) => ({ format: 'flowmock-backup', version: 1, createdAt: '2026-01-01T00:00:00.000Z', includeHistory: false, resources: [], printers: [], apiFlows: [], ...over });
  const BAD: Array<{ why: string; body: Buffer; pointer: string }> = [
    { why: 'an empty body', body: Buffer.alloc(0), pointer: '' },
    { why: 'bytes that are not gzip', body: Buffer.from('{"format":"flowmock-backup"}'), pointer: '' },
    { why: 'gzip of something that is not JSON', body: gz('not json'), pointer: '' },
    { why: 'another format', body: gz({ ...archive(), format: 'zip' }), pointer: '/format' },
    { why: 'another version', body: gz(archive({ version: 2 })), pointer: '/version' },
    { why: 'an object of a type no collection holds', body: gz(archive({ resources: [{ record: { type: 'spaceship', id: 'x', body: {}, createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }, references: [], contents: [] }] })), pointer: '/resources/0/record/type' },
    { why: 'contents that are not a list', body: gz(archive({ resources: [{ record: { type: 'asset', id: 'x', body: {}, createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }, references: [], contents: 'no' }] })), pointer: '/resources/0/contents' },
    { why: 'printers that are not a list', body: gz(archive({ printers: {} })), pointer: '/printers' },
    { why: 'a body field the model does not have', body: gz(archive({ resources: [{ record: { type: 'asset', id: 'x', body: { displayName: 'a', secretSauce: 1 }, createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }, references: [], contents: [] }] })), pointer: '/resources/0/record/body/secretSauce' },
    { why: 'one object twice', body: gz(archive({ resources: [0, 1].map(() => ({ record: { type: 'asset', id: 'x', body: {}, createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }, references: [], contents: [] })) })), pointer: '/resources/1/record/id' },
    { why: 'a printer without displayName', body: gz(archive({ printers: [{ id: 'p', definition: { id: 'generic-pdf' }, defaultPrinter: false, createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }] })), pointer: '/printers/0' },
    { why: 'an API flow without its flow', body: gz(archive({ apiFlows: [{ id: 'f', createdAt: 'a', createdBy: 'b', modifiedAt: 'c', modifiedBy: 'd' }] })), pointer: '/apiFlows/0' },
  ];
  it.each(BAD)('answers 400 naming $pointer for $why, and changes nothing', async (c) => {
    const before = stateOf((await backup()).archive);
    await expectProblem(await restore(c.body), 400, { field: { in: 'body', pointer: c.pointer } });
    expect(stateOf((await backup()).archive)).toEqual(before);
  });

  it('takes a printer without its optional fields (description, flavor, properties): they are null', async () => {
    const p = { id: 'zz-minimal-printer', displayName: 'zz-minimal', definition: { id: 'generic-pdf' }, defaultPrinter: false, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'system', modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: 'system' };
    const current = (await backup()).archive;
    await json(await restore(gz({ ...current, printers: [p] })));
    expect(await json<Obj>(await admin('/api/v1/printers/zz-minimal-printer'))).toMatchObject({ id: p.id, displayName: 'zz-minimal' });
    await json(await restore(gz(current)));
    await expectProblem(await admin('/api/v1/printers/zz-minimal-printer'), 404);
  });

  it('answers 413 for an archive that unpacks to more than 64 MiB (a small gzip of zeros)', async () => {
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expectProblem(await restore(bomb), 413, { detail: 'unpacks to more than' });
  });

  it('answers 415 for a body that is not application/octet-stream', async () => {
    await expectProblem(await admin('/api/v1/system/backup/restore', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 415);
  });

  it('answers 403 to a plain User\'s key (both need write:system) and 401 without a key', async () => {
    await expectProblem(await s.call('/api/v1/system/backup', { method: 'POST' }), 403, { detail: 'write:system' });
    await expectProblem(await restore(gz(archive()), s.integratorKey), 403, { detail: 'write:system' });
    await expectProblem(await s.call('/api/v1/system/backup', { method: 'POST', key: null }), 401);
  });
});
