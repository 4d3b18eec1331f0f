/**
 * GetSystemPrinters and GetSystemPrinter: flowmock's virtual devices plus the definitions the
 * configured printers name, paged, sorted and filtered; printerInfo only with includeDetails; a
 * 404 for an id the server does not know; read:printers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;

describe('system printers', () => {
  it('the built-in virtual devices, without details unless asked; any user with read:printers', async () => {
    const list = await json<Obj[]>(await s.call('/api/v1/system/printers'));
    expect(list.map((p) => p.id)).toEqual(['cloud-pdf', 'generic-pdf']);
    expect(list.every((p) => p.printerInfo === undefined)).toBe(true);
    const detailed = await json<Obj[]>(await s.call('/api/v1/system/printers?includeDetails=true'));
    expect(detailed.find((p) => p.id === 'generic-pdf')!.printerInfo.jps.paperSizes).toContain('iso-a4');
    expect(detailed.find((p) => p.id === 'cloud-pdf')!.printerInfo.gcp).toMatchObject({ connectionStatus: 'online' });
    await expectProblem(await s.call('/api/v1/system/printers', { key: null }), 401);
  });

  it('a configured printer\'s device joins the list; paged, sorted and filtered; one by id', async () => {
    const created = await s.call('/api/v1/printers', {
      key: s.adminKey, method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ displayName: 'Office', definition: { id: 'hp-office-4050', displayName: 'HP LaserJet 4050' }, flavor: 'jps' }),
    });
    expect(created.status).toBe(201);
    const list = await json<Obj[]>(await s.call('/api/v1/system/printers?sort=displayName,desc'));
    expect(list.map((p) => p.displayName)).toEqual(['HP LaserJet 4050', 'Generic PDF printer', 'Cloud PDF printer']);
    expect((await json<Obj[]>(await s.call('/api/v1/system/printers?filter=flavor:gcp'))).map((p) => p.id)).toEqual(['cloud-pdf']);
    expect((await json<Obj[]>(await s.call('/api/v1/system/printers?size=1&page=1'))).map((p) => p.id)).toEqual(['generic-pdf']);
    await expectProblem(await s.call('/api/v1/system/printers?sort=colour,asc'), 400, { field: { in: 'query', pointer: '/sort' } });

    expect(await json<Obj>(await s.call('/api/v1/system/printers/hp-office-4050'))).toEqual({
      flavor: 'jps', id: 'hp-office-4050', displayName: 'HP LaserJet 4050', description: 'The device of the configured printer Office.',
    });
    expect((await json<Obj>(await s.call('/api/v1/system/printers/generic-pdf?includeDetails=true'))).printerInfo.jps.supported).toContain('copies');
    await expectProblem(await s.call('/api/v1/system/printers/nope'), 404, { detail: 'cloud-pdf, generic-pdf, hp-office-4050' });
  });
});
