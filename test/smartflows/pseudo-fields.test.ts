/**
 * SortPseudoFields over HTTP: the elements of a definition's XML Schemas and the fields of its data
 * sets, as fields and relations in the documented order (a tree walk, fields before relations, by
 * display name); 400 naming the schema or data set that cannot be read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { expectProblem, json } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(() => s?.close());

type Obj = Record<string, any>;
const sort = (body: unknown) => s.call('/api/v1/system/pseudo/sort', {
  method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});

const ORDER_XSD = `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:complexType name="Address">
    <xsd:sequence><xsd:element name="street" type="xsd:string"/><xsd:element name="City" type="xsd:string"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="Part">
    <xsd:sequence><xsd:element name="code" type="xsd:string"/><xsd:element name="parts" type="Part" minOccurs="0"/></xsd:sequence>
  </xsd:complexType>
  <xsd:element name="total" type="xsd:decimal"/>
  <xsd:element name="order">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="number" type="xsd:string"/>
        <xsd:element name="shipTo" type="Address"/>
        <xsd:element ref="total"/>
        <xsd:element name="Billing" type="Address"/>
        <xsd:element name="assembly" type="Part"/>
        <xsd:element name="date" type="xsd:date"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>`;

describe('SortPseudoFields', () => {
  it('XML Schema elements: fields before relations, by display name case-insensitively, each relation followed by what it holds', async () => {
    const out = await json<Obj[]>(await sort({ schemas: [{ name: 'orders', content: ORDER_XSD }] }));
    expect(out.map((e) => `${e.type} ${e.id}`)).toEqual([
      'field orders/total',
      'relation orders/order',
      'field orders/order/date',
      'field orders/order/number',
      'field orders/order/total',
      'relation orders/order/assembly',
      'field orders/order/assembly/code',
      'relation orders/order/assembly/parts', // Part inside Part: not expanded again
      'relation orders/order/Billing',
      'field orders/order/Billing/City',
      'field orders/order/Billing/street',
      'relation orders/order/shipTo',
      'field orders/order/shipTo/City',
      'field orders/order/shipTo/street',
    ]);
    expect(out[0]).toEqual({ type: 'field', id: 'orders/total', displayName: 'total' });
  });

  it('the schema may come as base64; data sets by id or display name add their fields after the schemas', async () => {
    const ds = await json<Obj>(await s.call('/api/v1/datasets', {
      method: 'POST', key: s.adminKey, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Pseudo people', content: { type: 'custom', customContent: { fields: [{ type: 'text', fieldName: 'zip', displayName: 'Zip code' }, { type: 'text', fieldName: 'name', displayName: 'Name' }] } } }),
    }), 201);
    const xsd = Buffer.from('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="b" type="xs:string"/><xs:element name="a" type="xs:string"/></xs:schema>').toString('base64');
    const out = await json<Obj[]>(await sort({ datasets: ['Pseudo people'], schemas: [{ name: 's', content: xsd }] }));
    expect(out).toEqual([
      { type: 'field', id: 's/a', displayName: 'a' },
      { type: 'field', id: 's/b', displayName: 'b' },
      { type: 'field', id: `${ds.id}/name`, displayName: 'Name' },
      { type: 'field', id: `${ds.id}/zip`, displayName: 'Zip code' },
    ]);
    expect(await json<Obj[]>(await sort({ datasets: [ds.id] }))).toHaveLength(2);
    expect(await json<Obj[]>(await sort({}))).toEqual([]);
  });

  it('a schema that is not XML or not an XML Schema, or an unknown data set, is a 400 naming it', async () => {
    await expectProblem(await sort({ schemas: [{ name: 'x', content: '<a><b></a>' }] }), 400, { field: { in: 'body', pointer: '/schemas/0/content', rule: 'format' } });
    await expectProblem(await sort({ schemas: [{ name: 'ok', content: ORDER_XSD }, { name: 'x', content: '<root/>' }] }), 400, { field: { in: 'body', pointer: '/schemas/1/content', rule: 'format' } });
    await expectProblem(await sort({ schemas: [{ name: 'x' }] }), 400, { field: { in: 'body', pointer: '/schemas/0/content', rule: 'required' } });
    await expectProblem(await sort({ datasets: ['crm-records', 'no such data set'] }), 400, { field: { in: 'body', pointer: '/datasets/1', rule: 'exists' } });
  });

  it('a schema expanding past 10000 elements is a 400, not a hang', async () => {
    // Each level holds the next twice: 2^20 elements once expanded.
    const types = Array.from({ length: 20 }, (_, i) => `<xs:complexType name="T${i}"><xs:sequence><xs:element name="a" type="${i === 19 ? 'xs:string' : `T${i + 1}`}"/><xs:element name="b" type="${i === 19 ? 'xs:string' : `T${i + 1}`}"/></xs:sequence></xs:complexType>`).join('');
    const xsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">${types}<xs:element name="root" type="T0"/></xs:schema>`;
    await expectProblem(await sort({ schemas: [{ name: 'big', content: xsd }] }), 400, { field: { in: 'body', pointer: '/schemas/0/content', rule: 'maxItems' } });
  });
});
