/**
 * Query-string parameters over HTTP with the `Regional prices` demo (region: required, default
 * EU; currency: no default, so unavailable (null) when left out; limit: optional). The demo's output cannot show an
 * undeclared parameter, so the server here loads the demo file plus one test-only actionflow,
 * `Test/Show parameters`, whose single record is `$params` as the actionflow sees it.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.js';
import { call, envelopeOf, expectProblem, triggerPath, usePhixflowServer } from './helpers.js';

const DEMO_FLOWS = fileURLToPath(new URL('../../flows/', import.meta.url));

const SHOW_PARAMETERS = `kind: actionflow
application: Test
name: Show parameters
mode: sync
parameters:
  - name: region
    required: true
    default: EU
records: '[$params]'
output:
  name: Params
`;

let s: TestServer;
let token: string;
let flowsDir: string;

// Hooks run in order of declaration (afterAll in reverse): the folder exists before the server
// starts and is removed after it stops.
beforeAll(async () => {
  flowsDir = await mkdtemp(path.join(tmpdir(), 'flowmock-phixflow-params-'));
  await copyFile(path.join(DEMO_FLOWS, 'params.yaml'), path.join(flowsDir, 'params.yaml'));
  await writeFile(path.join(flowsDir, 'show-parameters.yaml'), SHOW_PARAMETERS);
});
afterAll(async () => {
  if (flowsDir) await rm(flowsDir, { recursive: true, force: true });
});
usePhixflowServer((started) => ({ s, token } = started), () => ({ flowsDir }));

const PRICES = triggerPath('Demo', 'Regional prices');

describe('Regional prices (declared parameters)', () => {
  it('applies the default of a parameter left out: region defaults to EU', async () => {
    const env = await envelopeOf(await call(s, `${PRICES}?currency=EUR`, { token }), 200);
    expect(env).toMatchObject({
      status: 'Success',
      data: {
        Prices: [
          { product: 'Widget', region: 'EU', price: 10, currency: 'EUR' },
          { product: 'Gadget', region: 'EU', price: 25, currency: 'EUR' },
        ],
      },
    });
  });

  it('a value in the query string wins over the default, and the optional limit is used when given', async () => {
    const env = await envelopeOf(await call(s, `${PRICES}?region=US&currency=USD&limit=1`, { token }), 200);
    expect(env.data).toEqual({ Prices: [{ product: 'Widget', region: 'US', price: 12, currency: 'USD' }] });
  });

  it('a parameter the call leaves out, without default, is "unavailable" (null) and the run goes on: 200, not a 400', async () => {
    const env = await envelopeOf(await call(s, `${PRICES}?limit=1`, { token }), 200);
    expect(env.data).toEqual({ Prices: [{ product: 'Widget', region: 'EU', price: 10, currency: null }] });
  });

  it('an undeclared query parameter is accepted (passed through, not rejected): 200', async () => {
    const env = await envelopeOf(await call(s, `${PRICES}?currency=EUR&note=hello&limit=1`, { token }), 200);
    expect(env.status).toBe('Success');
  });

  it('a timeout that is not an integer is 400 problem+json naming query /timeout', async () => {
    await expectProblem(await call(s, `${PRICES}?currency=EUR&timeout=soon`, { token }), 400, {
      field: { in: 'query', pointer: '/timeout', rule: 'type' },
    });
  });
});

describe('what the actionflow sees ($params, test-only actionflow)', () => {
  it('an undeclared query parameter reaches the actionflow as an input parameter of the same name, as a string; timeout is not one', async () => {
    const env = await envelopeOf(await call(s, `${triggerPath('Test', 'Show parameters')}?note=hello&count=3&timeout=5000`, { token }), 200);
    expect(env.data).toEqual({ Params: [{ region: 'EU', note: 'hello', count: '3' }] });
  });

  it('a declared parameter given in the query string replaces its default; a repeated one arrives as a list', async () => {
    const env = await envelopeOf(await call(s, `${triggerPath('Test', 'Show parameters')}?region=US&tag=a&tag=b`, { token }), 200);
    expect(env.data).toEqual({ Params: [{ region: 'US', tag: ['a', 'b'] }] });
  });
});
