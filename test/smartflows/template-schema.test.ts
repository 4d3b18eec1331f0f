/**
 * GetTemplateSchema over HTTP: the schema follows the template's data sets and their fields (a
 * field added to a data set shows in the next schema), as XML Schema and JSON Schema; the JSON
 * Schema accepts data of that shape and refuses data that breaks it; 404 for an unknown template,
 * 400 naming the format the server does not write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const send = (method: string, path: string, body: unknown) => s.call(path, {
  method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), key: s.adminKey,
});
const schemaOf = async (id: string, format?: string) => {
  const res = await s.call(`/api/v1/templates/${id}/schema${format ? `?format=${format}` : ''}`, { key: s.adminKey });
  return { res, text: res.status === 200 ? await res.text() : '' };
};

const customer = {
  displayName: 'Customers for schema',
  content: {
    type: 'custom',
    customContent: {
      wrapperElementName: 'customers',
      fields: [
        { type: 'text', fieldName: 'name', displayName: 'Name', required: true },
        { type: 'number', fieldName: 'age', number: { type: 'integer' } },
        { type: 'number', fieldName: 'balance' },
        { type: 'dateTime', fieldName: 'since' },
        { type: 'optionset', fieldName: 'tier', optionset: { options: [{ label: 'Gold', value: 'gold' }, { label: 'Silver', value: 'silver' }] } },
        { type: 'text', fieldName: 'phone', repeating: true },
      ],
    },
  },
};

describe('GetTemplateSchema', () => {
  let datasetId = '';
  let templateId = '';
  beforeAll(async () => {
    datasetId = (await json<Obj>(await send('POST', '/api/v1/datasets', customer), 201)).id;
    const standard = await json<Obj>(await send('POST', '/api/v1/datasets', {
      displayName: 'Orders standard',
      content: { type: 'standard', standardContent: { entities: [{ name: 'order', fields: [{ name: 'number' }, { name: 'total' }] }] } },
    }), 201);
    templateId = (await json<Obj>(await send('POST', '/api/v1/templates', {
      displayName: 'Schema letter', type: 'standard',
      datasets: [{ id: datasetId, displayName: customer.displayName, type: 'custom' }, { id: standard.id, displayName: 'Orders standard', type: 'standard' }],
    }), 201)).id;
  });

  it('JSON Schema: one property per data set with its typed fields; it accepts data of that shape and refuses data that breaks it', async () => {
    const { res, text } = await schemaOf(templateId, 'json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${templateId}.schema.json"`);
    const schema = JSON.parse(text);
    expect(schema.properties.templateData.properties.customers.properties).toEqual({
      name: { title: 'Name', type: 'string' },
      age: { type: 'integer' },
      balance: { type: 'number' },
      since: { type: 'string', format: 'date-time' },
      tier: { type: 'string', enum: ['gold', 'silver'] },
      phone: { type: 'array', items: { type: 'string' } },
    });
    const validate = addFormats(new Ajv2020({ strict: false })).compile(schema);
    const good = {
      templateData: {
        customers: { name: 'Ann', age: 41, balance: 12.5, since: '2026-12-03T10:00:00Z', tier: 'gold', phone: ['1', '2'] },
        OrdersStandard: { order: [{ number: 'A1', total: '10' }] },
      },
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ templateData: { customers: { age: 41 } } })).toBe(false); // name is required
    expect(validate({ templateData: { customers: { name: 'Ann', tier: 'bronze' } } })).toBe(false);
    expect(validate({ templateData: { customers: { name: 'Ann', age: 4.5 } } })).toBe(false);
  });

  it('XML Schema (the default): the same tree as xs:elements with XSD types, occurrences and enumerations', async () => {
    const { res, text } = await schemaOf(templateId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${templateId}.xsd"`);
    const xsd = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(text);
    const root = xsd['xs:schema']['xs:element'];
    expect(root['@name']).toBe('templateData');
    const sets = root['xs:complexType']['xs:sequence']['xs:element'];
    expect(sets.map((e: Obj) => e['@name'])).toEqual(['customers', 'OrdersStandard']);
    const fields = sets[0]['xs:complexType']['xs:sequence']['xs:element'];
    const byName = Object.fromEntries(fields.map((f: Obj) => [f['@name'], f]));
    expect(byName.name).toMatchObject({ '@type': 'xs:string', '@minOccurs': '1', '@maxOccurs': '1' });
    expect(byName.age['@type']).toBe('xs:integer');
    expect(byName.since['@type']).toBe('xs:dateTime');
    expect(byName.phone).toMatchObject({ '@minOccurs': '0', '@maxOccurs': 'unbounded' });
    expect(byName.tier['xs:simpleType']['xs:restriction']['xs:enumeration'].map((e: Obj) => e['@value'])).toEqual(['gold', 'silver']);
    const order = sets[1]['xs:complexType']['xs:sequence']['xs:element'];
    expect(order).toMatchObject({ '@name': 'order', '@maxOccurs': 'unbounded' });
    expect((await schemaOf(templateId, 'XSD')).text).toBe(text);
  });

  it('follows the data set: a field added to it shows in the next schema', async () => {
    const current = await json<Obj>(await s.call(`/api/v1/datasets/${datasetId}`, { key: s.adminKey }));
    current.content.customContent.fields.push({ type: 'boolean', fieldName: 'vip' });
    await json<Obj>(await send('PUT', `/api/v1/datasets/${datasetId}`, current));
    const schema = JSON.parse((await schemaOf(templateId, 'json')).text);
    expect(schema.properties.templateData.properties.customers.properties.vip).toEqual({ type: 'boolean' });
  });

  it('a seeded template: one element per data set it names (the order data set has no fields yet)', async () => {
    const schema = JSON.parse((await schemaOf('order-confirmation', 'json')).text);
    expect(Object.keys(schema.properties.templateData.properties)).toEqual(['order']);
    expect(schema.title).toBe('Order confirmation');
  });

  it('404 for an unknown template; 400 naming the format for one the server does not write; 401 without credentials', async () => {
    await expectProblem((await schemaOf('no-such-template')).res, 404);
    await expectProblem((await schemaOf(templateId, 'yaml')).res, 400, { field: { in: 'query', pointer: '/format' } });
    await expectProblem(await s.call(`/api/v1/templates/${templateId}/schema`, { key: null }), 401);
  });
});
