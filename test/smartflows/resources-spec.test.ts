/**
 * The collections and bindings the spec declares parse, fit their models and reach every bound
 * operation; a declaration that does not fit is refused at start-up naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { loadBundledSpec } from '../../src/http/openapi-document.js';
import { RESOURCE_OPERATIONS } from '../../generated/resource-operations.js';
import { parseResourceBindings, parseResourceCollections, permissionFor } from '../../src/engine/resources/collections.js';
import { listOperations } from '../../src/http/openapi-document.js';
import { matchPointer } from '../../src/engine/resources/resource-engine.js';

const Ajv2020 = _Ajv2020 as unknown as typeof _Ajv2020.default;
const addFormats = _addFormats as unknown as typeof _addFormats.default;
const doc = loadBundledSpec();

describe('x-flowmock-resources of the bundled spec', () => {
  const collections = parseResourceCollections(doc);
  const bindings = parseResourceBindings(doc, collections);

  it('declares the eight families, and every bound operation is in the generated handler list', () => {
    expect([...collections.keys()].sort()).toEqual(['assets', 'connectorTypes', 'connectors', 'datasets', 'datasources', 'languages', 'tagGroups', 'templates']);
    expect([...bindings.keys()].sort()).toEqual([...RESOURCE_OPERATIONS].sort());
  });

  it('each bound operation needs the permission its collection declares for the action (the read, write or delete scope)', () => {
    const wrong = listOperations(doc).filter((op) => bindings.has(op.operationId) && bindings.get(op.operationId)!.action !== 'dependencies')
      .filter((op) => op.permission !== permissionFor(collections.get(bindings.get(op.operationId)!.collection)!, bindings.get(op.operationId)!.action))
      .map((op) => `${op.operationId}: ${op.permission}`);
    expect(wrong).toEqual([]);
  });

  it('every seed object fits its model (with the server fields it is shown with)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'spec');
    const by = { id: 'system', displayName: 'system', type: 'user' };
    for (const c of collections.values()) {
      const validate = ajv.getSchema(`spec#/components/schemas/${c.model}`)!;
      for (const s of c.seed) {
        const shown = { ...s, createdAt: '2026-01-01T00:00:00.000Z', createdBy: by, modifiedAt: '2026-01-01T00:00:00.000Z', modifiedBy: by };
        expect(validate(shown), `${c.name} ${String(s.id)}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('every reference of a seed names a seed of the collection it points into', () => {
    for (const c of collections.values()) {
      for (const r of c.references) {
        const targets = new Set(collections.get(r.collection)!.seed.map((s) => s.id));
        for (const s of c.seed) for (const m of matchPointer(s, r.pointer)) expect(targets.has(m.value), `${c.name} ${String(s.id)} ${m.pointer}`).toBe(true);
      }
    }
  });
});

describe('declarations that do not fit', () => {
  const base = (over: Record<string, unknown>) => ({
    components: {
      schemas: { Thing: { type: 'object' } },
      'x-flowmock-resources': { things: { model: 'Thing', objectType: 'thing', path: '/things', permissions: { read: 'r', write: 'w', delete: 'd' }, properties: { displayName: 'text' }, ...over } },
    },
  });

  it.each([
    [{ model: 'Nope' }, /model Nope is not a schema/],
    [{ permissions: 'all' }, /permissions must be/],
    [{ properties: { a: 'number' } }, /properties.a must be one of/],
    [{ defaultSort: 'ghost,asc' }, /defaultSort ghost,asc names no property/],
    [{ references: [{ pointer: '/a/id', collection: 'elsewhere' }] }, /references name elsewhere/],
    [{ content: { slots: 'many' } }, /content.slots must be single or language/],
    [{ seed: [{ displayName: 'no id' }] }, /seed must be a list of objects with an id/],
  ])('%j is refused', (over, message) => {
    expect(() => parseResourceCollections(base(over))).toThrow(message);
  });

  it('a binding to an unknown collection or action is refused naming the operation', () => {
    const d = { ...base({}), paths: { '/x': { get: { operationId: 'X', 'x-flowmock-resource': { collection: 'others', action: 'list' } } } } };
    expect(() => parseResourceBindings(d, parseResourceCollections(d))).toThrow(/GET \/x x-flowmock-resource: collection others/);
    const e = { ...base({}), paths: { '/x': { get: { operationId: 'X', 'x-flowmock-resource': { collection: 'things', action: 'explode' } } } } };
    expect(() => parseResourceBindings(e, parseResourceCollections(e))).toThrow(/action must be one of/);
  });
});

describe('matchPointer', () => {
  it('finds every id a pattern matches, array indexes in the pointers, and skips what is not a non-empty string', () => {
    const body = { datasets: [{ id: 'a' }, { id: '' }, { x: 1 }, { id: 'b' }], tagGroups: [{ group: { id: 'g' } }], connector: { id: 7 } };
    expect(matchPointer(body, '/datasets/*/id')).toEqual([{ pointer: '/datasets/0/id', value: 'a' }, { pointer: '/datasets/3/id', value: 'b' }]);
    expect(matchPointer(body, '/tagGroups/*/group/id')).toEqual([{ pointer: '/tagGroups/0/group/id', value: 'g' }]);
    expect(matchPointer(body, '/connector/id')).toEqual([]);
  });
});
