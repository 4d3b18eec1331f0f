import { describe, expect, it } from 'vitest';
import { compareSpecWithContract, type VendorDifference } from '../../src/contract/vendor/compare-spec.js';
import { applyExceptions, parseVendorExceptions } from '../../src/contract/vendor/exceptions.js';
import { miniContract, miniSpec } from './fixtures/mini-contract.js';
import type { Json } from '../../src/contract/vendor/spec-shapes.js';

const differences = (spec: Json): VendorDifference[] => compareSpecWithContract(spec, miniContract, miniContract.operations).flatMap((r) => r.differences);
const brief = (d: VendorDifference) => ({ operation: d.operation, kind: d.kind, ...(d.model ? { model: d.model } : {}), ...(d.field ? { field: d.field } : {}) });

/* eslint-disable @typescript-eslint/no-explicit-any */
const thing = (s: any) => s.components.schemas.Thing.properties;

describe('compareSpecWithContract', () => {
  it('finds no difference in a spec that has the vendor shapes under other component names, inline, nullable, via allOf', () => {
    expect(differences(miniSpec())).toEqual([]);
  });

  // Each case breaks the conforming spec in one way and names exactly the differences it must produce.
  const cases: { name: string; mutate: (s: any) => void; expected: ReturnType<typeof brief>[] }[] = [
    {
      name: 'a renamed field is one field missing and one extra, in every operation reaching the model',
      mutate: (s) => { thing(s).amount = thing(s).count; delete thing(s).count; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].flatMap((operation) => [
        { operation, kind: 'field-missing', model: 'Item', field: 'count' },
        { operation, kind: 'field-extra', model: 'Item', field: 'amount' },
      ]),
    },
    {
      name: 'a page object where the vendor answers a plain array is list-vs-object',
      mutate: (s) => { s.paths['/api/v1/items'].get.responses['200'].content['application/json'].schema = { type: 'object', properties: { content: { type: 'array', items: { $ref: '#/components/schemas/Thing' } } } }; },
      expected: [{ operation: 'GetItems', kind: 'list-vs-object' }],
    },
    {
      name: 'inside a page object, the items are still compared with the vendor model',
      mutate: (s) => {
        s.paths['/api/v1/items'].get.responses['200'].content['application/json'].schema = {
          type: 'object', properties: { total: { type: 'integer' }, content: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } } },
        };
      },
      expected: [
        { operation: 'GetItems', kind: 'list-vs-object' },
        { operation: 'GetItems', kind: 'type', model: 'Item', field: 'id' },
        ...['count', 'price', 'active', 'createdAt', 'status', 'kind', 'tags', 'labels', 'owner', 'history', 'settings'].map((field) => ({ operation: 'GetItems', kind: 'field-missing' as const, model: 'Item', field })),
      ],
    },
    {
      name: 'an array where the vendor answers one object is list-vs-object',
      mutate: (s) => { s.paths['/api/v1/items/{item}'].get.responses['200'].content['application/json'].schema = { type: 'array', items: { $ref: '#/components/schemas/Thing' } }; },
      expected: [{ operation: 'GetItem', kind: 'list-vs-object' }],
    },
    {
      name: 'a missing enum value (field-level enum, through a ref and oneOf-null)',
      mutate: (s) => { s.components.schemas.Status.enum = ['Open']; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].map((operation) => ({ operation, kind: 'enum-missing', model: 'Item', field: 'status' })),
    },
    {
      name: 'an extra enum value of an enum model',
      mutate: (s) => { thing(s).kind.enum = ['simple', 'advanced', 'other']; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].map((operation) => ({ operation, kind: 'enum-extra', model: 'Item', field: 'kind' })),
    },
    {
      name: 'a missing query parameter, and an extra one',
      mutate: (s) => { s.paths['/api/v1/items'].get.parameters = [{ $ref: '#/components/parameters/Filter' }, { name: 'limit', in: 'query', schema: { type: 'integer' } }]; },
      expected: [{ operation: 'GetItems', kind: 'query-missing', field: 'page' }, { operation: 'GetItems', kind: 'query-extra', field: 'limit' }],
    },
    {
      name: 'a query parameter typed or required differently',
      mutate: (s) => { s.paths['/api/v1/items'].get.parameters[0] = { name: 'page', in: 'query', required: true, schema: { type: 'string' } }; },
      expected: [{ operation: 'GetItems', kind: 'query-type', field: 'page' }, { operation: 'GetItems', kind: 'query-required', field: 'page' }],
    },
    {
      name: 'an integer where the vendor has double; a string where the vendor has a model',
      mutate: (s) => { thing(s).price = { type: 'integer' }; thing(s).owner = { type: 'string' }; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].flatMap((operation) => [
        { operation, kind: 'type', model: 'Item', field: 'price' },
        { operation, kind: 'type', model: 'Item', field: 'owner' },
      ]),
    },
    {
      name: 'a nested model field renamed (inline schema)',
      mutate: (s) => { thing(s).history.items.properties = { id: { type: 'string' }, displayName: { type: 'string' } }; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].flatMap((operation) => [
        { operation, kind: 'field-missing', model: 'IdWithName', field: 'name' },
        { operation, kind: 'field-extra', model: 'IdWithName', field: 'displayName' },
      ]),
    },
    {
      name: 'a map with fixed properties instead of Dictionary<string, string>',
      mutate: (s) => { thing(s).labels = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }; },
      expected: ['GetItems', 'CreateItem', 'GetItem'].map((operation) => ({ operation, kind: 'type', model: 'Item', field: 'labels' })),
    },
    {
      name: 'an operation at another path, and another operationId',
      mutate: (s) => {
        s.paths['/api/v1/items/{id}'] = s.paths['/api/v1/items/{item}'];
        s.paths['/api/v1/items/{id}'].parameters[0].name = 'id';
        delete s.paths['/api/v1/items/{item}'];
        s.paths['/api/v1/items'].post.operationId = 'AddItem';
      },
      expected: [
        { operation: 'CreateItem', kind: 'operation-id' },
        { operation: 'GetItem', kind: 'operation-missing' },
        { operation: 'GetItem', kind: 'path-param', field: 'item' },
      ],
    },
    {
      name: 'a JSON answer where the vendor answers a binary stream',
      mutate: (s) => { s.paths['/api/v1/items/{item}/content'].get.responses['200'].content = { 'application/json': { schema: { type: 'object' } } }; },
      expected: [{ operation: 'GetItemContent', kind: 'response-missing' }],
    },
    {
      name: 'a body missing; credentials asked where the vendor needs none',
      mutate: (s) => { delete s.paths['/api/v1/items'].post.requestBody; delete s.paths['/api/v1/items/callback/{callbackId}'].post.security; },
      expected: [{ operation: 'CreateItem', kind: 'body-missing' }, { operation: 'PostItemCallback', kind: 'security' }],
    },
    {
      name: 'an operation missing altogether',
      mutate: (s) => { delete s.paths['/api/v1/items/callback/{callbackId}']; },
      expected: [{ operation: 'PostItemCallback', kind: 'operation-missing' }],
    },
  ];

  it.each(cases)('$name', ({ mutate, expected }) => {
    const spec = miniSpec();
    mutate(spec);
    expect(differences(spec).map(brief)).toEqual(expected);
  });

  it('says where a difference is, as a path through the answer', () => {
    const spec = miniSpec() as any;
    spec.components.schemas.Thing.properties.history.items.properties.name = { type: 'integer' };
    const d = differences(spec).find((x) => x.operation === 'GetItems')!;
    expect(d).toMatchObject({ where: 'response 200[].history[].name', model: 'IdWithName', field: 'name', kind: 'type' });
  });
});

describe('vendor exceptions', () => {
  it('covers a difference by operation, or by model and field, and leaves the rest failing', () => {
    const spec = miniSpec() as any;
    thing(spec).amount = thing(spec).count;
    delete thing(spec).count;
    delete spec.paths['/api/v1/items/callback/{callbackId}'];
    const exceptions = parseVendorExceptions(`
exceptions:
  - model: Item
    field: count
    reason: test
  - operation: PostItemCallback
    kind: operation-missing
    reason: test
`);
    const { failing, excepted } = applyExceptions(differences(spec), exceptions);
    expect(excepted.map((e) => e.difference.kind).sort()).toEqual(['field-missing', 'field-missing', 'field-missing', 'operation-missing']);
    expect(failing.map(brief)).toEqual(['GetItems', 'CreateItem', 'GetItem'].map((operation) => ({ operation, kind: 'field-extra', model: 'Item', field: 'amount' })));
  });

  it.each([
    ['an entry without a reason', 'exceptions:\n  - operation: X\n'],
    ['an empty reason', 'exceptions:\n  - operation: X\n    reason: ""\n'],
    ['an entry naming neither operation nor model', 'exceptions:\n  - field: x\n    reason: r\n'],
    ['an unknown key', 'exceptions:\n  - operation: X\n    reason: r\n    because: y\n'],
    ['an unknown kind', 'exceptions:\n  - operation: X\n    kind: renamed\n    reason: r\n'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseVendorExceptions(text)).toThrow();
  });
});
