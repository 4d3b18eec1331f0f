/**
 * The portal lists over HTTP, derived from the collections: templates of type portal (their
 * connector and their entries' template, library and group) and form data sets. A portal template
 * created or deleted shows at once; connectorid keeps one connector's; lists page, sort and filter;
 * a connectorid naming no connector is a 400 naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const get = (p: string) => s.call(p, { key: s.adminKey });
const post = (p: string, body: unknown) => s.call(p, { key: s.adminKey, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const ref = (id: string, displayName: string, type?: string) => ({ id, displayName, ...(type ? { type } : {}) });
const names = (rows: Obj[]) => rows.map((r) => r.displayName);

describe('portal lists', () => {
  let crmPortal = '';
  beforeAll(async () => {
    crmPortal = (await json<Obj>(await post('/api/v1/templates', {
      displayName: 'CRM portal', type: 'portal',
      portalContent: {
        connector: ref('crm-connector', 'CRM', 'connector'),
        templates: [
          { language: 'en', library: ref('sales', 'Sales library', 'portalLibrary'), group: ref('letters', 'Letters', 'portalGroup'), template: ref('welcome', 'Welcome letter', 'portalTemplate') },
          { language: 'nl', library: ref('sales', 'Sales library', 'portalLibrary'), group: ref('letters', 'Letters', 'portalGroup'), template: ref('welcome', 'Welcome letter', 'portalTemplate') },
          { language: 'en', library: ref('sales', 'Sales library', 'portalLibrary'), group: ref('quotes', 'Quotes', 'portalGroup'), template: ref('quote', 'Quote', 'portalTemplate') },
        ],
      },
    }), 201)).id;
    await json(await post('/api/v1/templates', {
      displayName: 'ERP portal', type: 'portal',
      portalContent: { connector: ref('erp-connector', 'ERP', 'connector'), templates: [{ library: ref('finance', 'Finance library'), group: ref('invoices', 'Invoices'), template: ref('reminder', 'Payment reminder') }] },
    }), 201);
    await json(await post('/api/v1/datasets', {
      displayName: 'Order form data', content: { type: 'form', formContent: { form: ref('order-form', 'Order form'), library: ref('sales', 'Sales library'), group: ref('letters', 'Letters') } },
    }), 201);
    await json(await post('/api/v1/datasets', {
      displayName: 'Expense form data', content: { type: 'form', formContent: { form: ref('expense-form', 'Expense form'), library: ref('finance', 'Finance library') } },
    }), 201);
  });

  it('templates, libraries and groups: the distinct references of the portal templates\' entries, by display name', async () => {
    expect(await json<Obj[]>(await get('/api/v1/portal/templates'))).toEqual([
      ref('reminder', 'Payment reminder', 'portalTemplate'), ref('quote', 'Quote', 'portalTemplate'), ref('welcome', 'Welcome letter', 'portalTemplate'),
    ]);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/libraries')))).toEqual(['Finance library', 'Sales library']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/groups')))).toEqual(['Invoices', 'Letters', 'Quotes']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/forms')))).toEqual(['Expense form', 'Order form']);
  });

  it('connectorid keeps one connector\'s portal (forms: of its libraries); paging, sort and filter as every list', async () => {
    expect(names(await json<Obj[]>(await get('/api/v1/portal/templates?connectorid=crm-connector')))).toEqual(['Quote', 'Welcome letter']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/groups?connectorid=crm-connector&sort=id,desc')))).toEqual(['Quotes', 'Letters']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/forms?connectorid=crm-connector')))).toEqual(['Order form']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/templates?filter=displayName:letter')))).toEqual(['Welcome letter']);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/libraries?size=1&page=1')))).toEqual(['Sales library']);
    await expectProblem(await get('/api/v1/portal/templates?connectorid=no-such-connector'), 400, { field: { in: 'query', pointer: '/connectorid', rule: 'exists' } });
    await expectProblem(await get('/api/v1/portal/groups?sort=language,asc'), 400, { field: { in: 'query', pointer: '/sort' } });
  });

  it('follows the collections: a deleted portal template leaves the lists', async () => {
    const del = await s.call(`/api/v1/templates/${crmPortal}`, { key: s.adminKey, method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(names(await json<Obj[]>(await get('/api/v1/portal/templates')))).toEqual(['Payment reminder']);
    expect(await json<Obj[]>(await get('/api/v1/portal/templates?connectorid=crm-connector'))).toEqual([]);
    await expectProblem(await s.call('/api/v1/portal/templates'), 403);
  });
});
