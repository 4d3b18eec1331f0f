/**
 * Issue 14, item 5: classes of caller input that used to answer 500 are 4xx naming the rule:
 * XML nested deeper than the limit, XML element (and attribute) names that are JavaScript's own
 * object properties, and valid filters with more values (or nodes) in all than the store can bind
 * ("too many SQL variables"), on both the filter and the statistics operations. The limits are
 * the spec's (see the ConditionGroup schema and the XML input description).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type FlowmockApp } from '../../src/app.js';
import { MAX_XML_DEPTH, RESERVED_XML_NAMES } from '../../src/engine/xml-limits.js';
import { MAX_FILTER_NODES, MAX_FILTER_VALUES } from '../../src/store/query-rules.js';
import { FLOW } from '../support/demo-flows.js';
import { filterWithValues as filterOf } from '../support/filter-bodies.js';

const ADMIN_KEY = 'input-classes-admin-key-0123456789abcdefghij';
let fm: FlowmockApp;
let base: string;
beforeAll(async () => {
  fm = await createApp({ db: ':memory:', port: 0, speed: 0, printStartup: false, logLevel: 'silent', adminKey: ADMIN_KEY, validateResponses: true });
  base = await fm.listen();
});
afterAll(async () => { await fm?.close(); });

const post = (p: string, body: string, type = 'application/json') =>
  fetch(base + p, { method: 'POST', headers: { 'X-API-Key': ADMIN_KEY, 'Content-Type': type }, body });

const rulesOf = async (res: Response) => ({ status: res.status, rules: ((await res.json()).errors ?? []).map((e: { rule?: string }) => e.rule) });

/** A valid condition group holding `values` values in all (distinct flow ids). */
const filterWithValues = (values: number): unknown => filterOf(values, (n, left) => ({ key: 'flowId', operator: 'in', values: Array.from({ length: n }, (_, i) => `flow-${left + i}`) }));

describe('XML input', () => {
  const order = (inner: string) => `<order><customer>ACME</customer><amount>1</amount>${inner}</order>`;
  const startXml = (xml: string) => post(`/api/v1/flows/executions/start?flow=${FLOW.order}`, xml, 'application/xml');

  it(`nested deeper than ${MAX_XML_DEPTH} levels is a 400 naming maxDepth, at any depth past the limit`, async () => {
    for (const depth of [MAX_XML_DEPTH + 1, 150, 5000]) {
      const xml = order(`${'<n>'.repeat(depth)}x${'</n>'.repeat(depth)}`);
      expect(await rulesOf(await startXml(xml)), `depth ${depth}`).toEqual({ status: 400, rules: ['maxDepth'] });
    }
    // At the limit it is accepted.
    expect((await startXml(order(`${'<n>'.repeat(MAX_XML_DEPTH - 2)}x${'</n>'.repeat(MAX_XML_DEPTH - 2)}`))).status).toBe(200);
  });

  it('element and attribute names that are object properties are a 400 naming reservedName', async () => {
    for (const name of RESERVED_XML_NAMES) {
      for (const xml of [order(`<${name}><x>1</x></${name}>`), order(`<${name}/>`), order(`<p:${name} xmlns:p="urn:x">1</p:${name}>`), order(`<item ${name}="1">y</item>`)]) {
        expect(await rulesOf(await startXml(xml)), xml).toEqual({ status: 400, rules: ['reservedName'] });
      }
    }
  });
});

describe('filters with more values than the store binds', () => {
  for (const op of ['filter', 'statistics']) {
    it(`${op}: ${MAX_FILTER_VALUES + 1} and 40,000 values are a 400 naming maxValues; ${MAX_FILTER_VALUES} are answered`, async () => {
      for (const n of [MAX_FILTER_VALUES + 1, 40_000]) {
        const res = await post(`/api/v1/flows/executions/${op}`, JSON.stringify(filterWithValues(n)));
        expect(await rulesOf(res), `${n} values`).toEqual({ status: 400, rules: ['maxValues'] });
      }
      expect((await post(`/api/v1/flows/executions/${op}`, JSON.stringify(filterWithValues(MAX_FILTER_VALUES)))).status).toBe(200);
    });
  }

  it(`more than ${MAX_FILTER_NODES} conditions and groups in all is a 400 naming maxNodes`, async () => {
    const nested = { group: { type: 'or', nodes: Array.from({ length: 50 }, () => ({ group: { type: 'and', nodes: Array.from({ length: 50 }, () => ({ group: { type: 'and', nodes: [] } })) } })) } };
    expect(await rulesOf(await post('/api/v1/flows/executions/filter', JSON.stringify(nested)))).toEqual({ status: 400, rules: ['maxNodes'] });
  });
});
