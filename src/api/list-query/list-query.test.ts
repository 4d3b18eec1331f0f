/**
 * The shared list query: sort and filter query parameters, and the filter-group check, each
 * refusing bad input with a 400 that names the parameter or the field and the rule.
 */
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../handler-contract/problem.js';
import { checkFilterGroup, listPaging, pageOfRows, queryFilter, type ListSpec } from './list-query.js';

const SPEC: ListSpec<'createdAt' | 'name'> = {
  filter: { name: { kind: 'text' }, createdAt: { kind: 'date' }, state: { kind: 'enum', values: ['on', 'off'] }, active: { kind: 'boolean' } },
  sort: ['createdAt', 'name'],
  defaultSort: { field: 'createdAt', direction: 'desc' },
};

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemError) return err;
    throw err;
  }
  throw new Error('expected a ProblemError');
}
const fieldErrors = (fn: () => unknown) => problemOf(fn).errors ?? [];

describe('listPaging', () => {
  it('defaults to page 0, size 20 and the list\'s default sort; direction defaults to asc', () => {
    expect(listPaging({}, SPEC)).toEqual({ page: 0, size: 20, sort: { field: 'createdAt', direction: 'desc' } });
    expect(listPaging({ page: 2, size: 5, sort: 'name' }, SPEC)).toEqual({ page: 2, size: 5, sort: { field: 'name', direction: 'asc' } });
    expect(listPaging({ sort: 'name,DESC' }, SPEC).sort).toEqual({ field: 'name', direction: 'desc' });
  });

  it('an unknown sort property or direction is a 400 naming /sort', () => {
    expect(fieldErrors(() => listPaging({ sort: 'owner,asc' }, SPEC))).toEqual([expect.objectContaining({ in: 'query', pointer: '/sort', rule: 'enum' })]);
    expect(fieldErrors(() => listPaging({ sort: 'name,up' }, SPEC))).toEqual([expect.objectContaining({ pointer: '/sort', rule: 'pattern' })]);
    expect(fieldErrors(() => listPaging({ sort: 'name,asc,x' }, SPEC))).toEqual([expect.objectContaining({ pointer: '/sort' })]);
  });
});

describe('queryFilter (property:value, contains)', () => {
  it('turns each term into a like condition, all of which must hold; a value keeps its colons', () => {
    expect(queryFilter('name:inv,createdAt:2026-01-01T10:00', SPEC)).toEqual({
      type: 'and',
      nodes: [
        { condition: { key: 'name', operator: 'like', values: ['inv'] } },
        { condition: { key: 'createdAt', operator: 'like', values: ['2026-01-01T10:00'] } },
      ],
    });
    expect(queryFilter(undefined, SPEC)).toBeUndefined();
    expect(queryFilter('', SPEC)).toBeUndefined();
  });

  it('an unknown property, a term without a colon or too many terms is a 400 naming /filter', () => {
    for (const bad of ['owner:x', 'name', ':x', Array.from({ length: 21 }, () => 'name:a').join(','), 'constructor:x']) {
      expect(fieldErrors(() => queryFilter(bad, SPEC)), bad).toEqual([expect.objectContaining({ in: 'query', pointer: '/filter' })]);
    }
  });
});

describe('checkFilterGroup', () => {
  const c = (key: string, operator: string, ...values: unknown[]) => ({ condition: { key, operator: operator as never, values } });

  it('normalizes dates to UTC instants with milliseconds, keeps node ids and nested groups', () => {
    const out = checkFilterGroup({
      type: 'or',
      nodes: [{ id: 'n1', ...c('createdAt', 'between', '2026-01-01', '2026-01-01T12:00:00+02:00') }, { group: { type: 'and', nodes: [c('state', 'in', 'on')] } }],
    }, SPEC, 'body', '');
    expect(out).toEqual({
      type: 'or',
      nodes: [
        { id: 'n1', condition: { key: 'createdAt', operator: 'between', values: ['2026-01-01T00:00:00.000Z', '2026-01-01T10:00:00.000Z'] } },
        { group: { type: 'and', nodes: [{ condition: { key: 'state', operator: 'in', values: ['on'] } }] } },
      ],
    });
  });

  it('accepts operators without values where they take none', () => {
    expect(() => checkFilterGroup({ type: 'and', nodes: [{ condition: { key: 'name', operator: 'isNull' } }, c('active', 'isTrue'), c('name', 'notIsBlank')] }, SPEC, 'body', ''))
      .not.toThrow();
  });

  it('collects every broken rule, each named by its pointer', () => {
    const errors = fieldErrors(() => checkFilterGroup({
      type: 'and',
      nodes: [
        c('owner', 'equalTo', 'x'),                 // unknown property
        c('name', 'between', 'a'),                  // between takes two
        c('state', 'in', 'maybe'),                  // not an enum value
        c('state', 'greaterThan', 'on'),            // ordering on an enum
        c('name', 'isTrue'),                        // isTrue on text
        c('createdAt', 'lessThan', 'yesterday'),    // not a date
        c('name', 'equalTo', 7),                    // not text
        c('name', 'isNull', 'x'),                   // isNull takes none
      ],
    }, SPEC, 'body', ''));
    expect(errors.map((e) => `${e.pointer} ${e.rule}`)).toEqual([
      '/group/nodes/0/condition/key enum',
      '/group/nodes/1/condition/values minItems',
      '/group/nodes/2/condition/values/0 enum',
      '/group/nodes/3/condition/operator enum',
      '/group/nodes/4/condition/operator type',
      '/group/nodes/5/condition/values/0 format',
      '/group/nodes/6/condition/values/0 type',
      '/group/nodes/7/condition/values maxItems',
    ]);
  });

  it('refuses more than 1000 values in all and groups nested deeper than 32', () => {
    const many = { type: 'or' as const, nodes: Array.from({ length: 11 }, () => c('name', 'in', ...Array.from({ length: 100 }, (_, i) => `v${i}`))) };
    expect(fieldErrors(() => checkFilterGroup(many, SPEC, 'body', ''))).toEqual([expect.objectContaining({ pointer: '/group', rule: 'maxValues' })]);
    let deep: Parameters<typeof checkFilterGroup>[0] = { type: 'and', nodes: [c('name', 'equalTo', 'x')] };
    for (let i = 0; i < 40; i++) deep = { type: 'or', nodes: [{ group: deep }] };
    expect(fieldErrors(() => checkFilterGroup(deep, SPEC, 'query', '/filter'))).toContainEqual(expect.objectContaining({ in: 'query', rule: 'maxDepth' }));
  });
});

describe('pageOfRows (lists held in memory)', () => {
  const rows = [
    { name: 'beta', createdAt: '2026-01-02', tags: ['x', 'Yellow'] },
    { name: 'Alpha', createdAt: '2026-01-03', tags: ['y'] },
    { name: 'gamma', createdAt: '2026-01-01' },
    { name: 'alpha', createdAt: '2026-01-04', tags: [] },
  ];
  const spec: ListSpec<'createdAt' | 'name'> = { ...SPEC, filter: { ...SPEC.filter, tags: { kind: 'text' } } };
  it('sorts stably (case-insensitive text order, equal keys keep their order), filters by contains (any item of an array), pages', () => {
    expect(pageOfRows(rows, spec, {}).map((r) => r.createdAt)).toEqual(['2026-01-04', '2026-01-03', '2026-01-02', '2026-01-01']);
    expect(pageOfRows(rows, spec, { sort: 'name,asc' }).map((r) => r.name)).toEqual(['Alpha', 'alpha', 'beta', 'gamma']);
    expect(pageOfRows(rows, spec, { filter: 'tags:y' }).map((r) => r.name)).toEqual(['Alpha', 'beta']);
    expect(pageOfRows(rows, spec, { filter: 'name:ALPHA,tags:y' }).map((r) => r.name)).toEqual(['Alpha']);
    expect(pageOfRows(rows, spec, { sort: 'name', size: 3, page: 1 }).map((r) => r.name)).toEqual(['gamma']);
  });
  it('refuses an unknown sort or filter property with the list query\'s 400', () => {
    expect(fieldErrors(() => pageOfRows(rows, spec, { sort: 'tags,asc' }))[0]).toMatchObject({ in: 'query', pointer: '/sort', rule: 'enum' });
    expect(fieldErrors(() => pageOfRows(rows, spec, { filter: 'colour:red' }))[0]).toMatchObject({ in: 'query', pointer: '/filter', rule: 'enum' });
  });
});
