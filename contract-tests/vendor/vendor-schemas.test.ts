import { describe, expect, it } from 'vitest';
import { answerSchema, vendorSchemaDocument, VendorValidator } from '../../src/contract/vendor/vendor-schemas.js';
import { miniContract } from './fixtures/mini-contract.js';
import { loadVendorContract } from '../../src/contract/vendor/contract.js';

const op = (name: string) => miniContract.operations.find((o) => o.operation === name)!;
const item = {
  id: 'i1', count: 2, price: 1.5, active: true, createdAt: '2026-01-01T00:00:00Z', status: 'Open', kind: 'simple',
  tags: ['a'], labels: { k: 'v' }, owner: { id: 'u', name: 'Ann' }, history: [{ id: 'x', name: null }], settings: { any: [1] },
};

describe('vendorSchemaDocument', () => {
  it('types each field from its C# type, nullable, with the enum values, and closes vendor models', () => {
    const defs = vendorSchemaDocument(miniContract).$defs as Record<string, any>;
    expect(defs.Item.additionalProperties).toBe(false);
    expect(defs.Item.properties).toMatchObject({
      id: { type: ['string', 'null'] },
      count: { type: ['integer', 'null'] },
      price: { type: ['number', 'null'] },
      active: { type: ['boolean', 'null'] },
      createdAt: { type: ['string', 'null'] },
      status: { type: ['string', 'null'], enum: ['Open', 'Closed', null] },
      kind: { anyOf: [{ $ref: '#/$defs/ItemKind' }, { type: 'null' }] },
      tags: { type: ['array', 'null'], items: { type: 'string' } },
      labels: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
      owner: { anyOf: [{ $ref: '#/$defs/IdWithName' }, { type: 'null' }] },
      settings: {},
    });
    expect(defs.ItemKind).toEqual({ type: 'string', enum: ['simple', 'advanced'] });
  });

  it('gives a List<T> answer an array schema and a binary answer none', () => {
    expect(answerSchema(miniContract, op('GetItems'))).toEqual({ type: 'array', items: { $ref: 'urn:flowmock:smart-flows-vendor#/$defs/Item' } });
    expect(answerSchema(miniContract, op('GetItemContent'))).toBeUndefined();
  });

  it('compiles for the whole vendor contract (244 models)', () => {
    const c = loadVendorContract();
    const v = new VendorValidator(c);
    for (const o of c.operations) v.validate(o, null);
  });
});

describe('VendorValidator', () => {
  const v = new VendorValidator(miniContract);

  it('accepts a conforming answer, nulls included', () => {
    expect(v.validate(op('GetItem'), item)).toEqual([]);
    expect(v.validate(op('GetItems'), [item, { id: 'i2' }])).toEqual([]);
  });

  it.each([
    ['an object where the vendor answers a list', 'GetItems', item, [{ pointer: '/', rule: 'type array' }]],
    ['a field the vendor model does not have', 'GetItem', { ...item, extra: 1 }, [{ pointer: '/extra', rule: 'additionalProperties (a field the vendor model does not have)' }]],
    ['an enum value the vendor does not have', 'GetItem', { ...item, status: 'Pending' }, [{ pointer: '/status', rule: 'enum [Open, Closed]' }]],
    ['a string where the vendor has a model', 'GetItems', [{ ...item, owner: 'u' }], [{ pointer: '/0/owner', rule: 'type object' }]],
    ['a renamed field in a nested model', 'GetItem', { ...item, history: [{ id: 'x', displayName: 'n' }] }, [{ pointer: '/history/0/displayName', rule: 'additionalProperties (a field the vendor model does not have)' }]],
    ['a number where the vendor has int', 'GetItem', { ...item, count: 1.5 }, [{ pointer: '/count', rule: 'type integer,null' }]],
  ])('reports %s with its JSON pointer and rule', (_name, operation, answer, expected) => {
    expect(v.validate(op(operation as string), answer).map(({ pointer, rule }) => ({ pointer, rule }))).toEqual(expected);
  });

  it('honours the accepted differences: a model field excepted may be anything or extra; an operation excepted about its answer is not judged', () => {
    const lenient = new VendorValidator(miniContract, [
      { model: 'Item', field: 'count', reason: 'test' },
      { model: 'Item', field: 'size', kind: 'field-extra', reason: 'test' },
      { operation: 'GetItems', kind: 'list-vs-object', reason: 'test' },
    ]);
    expect(lenient.validate(op('GetItem'), { ...item, count: 'many', size: 3 })).toEqual([]);
    expect(lenient.validate(op('GetItem'), { ...item, other: 3 }).map((x) => x.pointer)).toEqual(['/other']);
    expect(lenient.validate(op('GetItems'), { content: [] })).toEqual([]);
    expect(v.validate(op('GetItem'), { ...item, count: 'many', size: 3 }).map((x) => x.pointer)).toEqual(['/size', '/count']);
  });

  it('finds the vendor operation by method and path template, whatever the parameter names', () => {
    expect(v.operation('get', '/api/v1/items/{item}')?.operation).toBe('GetItem');
    expect(v.operation('GET', '/api/v1/items/{id}')?.operation).toBe('GetItem');
    expect(v.operation('DELETE', '/api/v1/items/{item}')).toBeUndefined();
    expect(v.operation('GET', '/api/v1/items/{item}/other')).toBeUndefined();
  });
});
