/** The shipped demo actionflows (flows/*.yaml) through the real loader, catalog and engine. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/types.js';
import { loadDefinitions, type LoadedActionflow } from '../definitions/load.js';
import { ActionflowEngine } from './actionflow-engine.js';
import { ActionflowCatalog } from './resolve.js';
import { request } from '../../../test/support/actionflows.js';
import type { IncomingRequest } from './types.js';

const FLOWS_DIR = fileURLToPath(new URL('../../../flows', import.meta.url));

let store: Store;
let engine: ActionflowEngine;
let catalog: ActionflowCatalog;

beforeAll(async () => {
  const defs = await loadDefinitions(FLOWS_DIR);
  catalog = new ActionflowCatalog(() => defs.actionflows);
  store = openStore(':memory:');
  engine = new ActionflowEngine({ store });
});
afterAll(async () => {
  await engine.shutdown();
  await store.close();
});

function demo(application: string, name: string): LoadedActionflow {
  const af = catalog.byApplicationAndName(application, name);
  if (!af) throw new Error(`demo actionflow ${application}/${name} is missing`);
  return af;
}

const trigger = (af: LoadedActionflow, req: IncomingRequest) =>
  engine.trigger(af, engine.prepareInput(af, req), { userId: null, timeoutMs: 5_000, mode: 'sync' });

describe('demo actionflows', () => {
  it('Regional prices: records built by the records expression without a body, parameter defaults applied', async () => {
    const out = await trigger(demo('Demo', 'Regional prices'), request(undefined, { query: { currency: 'USD', limit: '1' } }));
    expect(out.envelope).toMatchObject({
      status: 'Success',
      data: { Prices: [{ product: 'Widget', region: 'EU', price: 10, currency: 'USD' }] },
    });
  });

  it('Regional prices: a left-out parameter without default is unavailable (null): the run goes on', async () => {
    const out = await trigger(demo('Demo', 'Regional prices'), request(undefined));
    expect(out.envelope).toMatchObject({ status: 'Success', data: { Prices: [{ product: 'Widget', region: 'EU', price: 10, currency: null }, { product: 'Gadget', region: 'EU', price: 25, currency: null }] } });
  });

  it('Customer sync: reachable by its alias, answers 201 with its header', async () => {
    const found = catalog.byV10Name('customers');
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    const out = await trigger(found.af, request([{ id: 1 }]));
    expect(out).toMatchObject({ kind: 'done', statusCode: 201, headers: { 'X-Sync-Result': 'stored' }, envelope: { data: { Customers: [{ id: 1 }] } } });
  });

  it('Echo and enrich: the version-10 name is ambiguous; Legacy lookup is unique', () => {
    expect(catalog.byV10Name('Echo and enrich')).toEqual({ kind: 'ambiguous', applications: ['Demo', 'Other'] });
    expect(catalog.byV10Name('Legacy lookup').kind).toBe('found');
  });

  it('Validate customers: a record without email fails, the others pass', async () => {
    const out = await trigger(demo('Demo', 'Validate customers'), request([{ email: 'a@x.org' }, { name: 'no mail' }]));
    expect(out.envelope).toMatchObject({
      status: 'Fail',
      message: '1 of 2 records failed',
      data: { Customers: [{ email: 'a@x.org' }] },
      failures: [{ index: 1, message: 'Record 1 has no email address' }],
    });
  });

  it('Credit check: stop halts at the first amount above 1000', async () => {
    const out = await trigger(demo('Demo', 'Credit check'), request([{ amount: 5 }, { amount: 2000 }, { amount: 7 }]));
    expect(out.envelope).toMatchObject({
      status: 'Fail',
      message: 'Stopped: Credit limit exceeded by record 1 (amount 2000)',
      data: { Approved: [{ amount: 5, approved: true }] },
    });
  });
});
