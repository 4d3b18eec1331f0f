/**
 * Execution lists over HTTP, as the vendor's plain JSON arrays (the total in X-Total-Count):
 * paging and sorting, one flow's executions, the filter operation with nested and/or groups and
 * the vendor's operators, the `filter` query parameter (`property:value`, contains), statistics
 * (the vendor's Statistics), and the 400s for bad paging, sorting, keys and operators. Fixture: seven executions of the
 * integrator with known statuses and creation order, plus one of admin's it must not see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, executionOf, expectProblem, json, pollUntil, startFlow, type Execution } from './helpers.js';

let s: TestServer;
/** Creation order: inv1, inv2, err1, inv3, err2, warn, appr. */
const ex: Record<'inv1' | 'inv2' | 'err1' | 'inv3' | 'err2' | 'warn' | 'appr', Execution> = {} as never;
let adminExecution: string;
let integratorId: string;

beforeAll(async () => {
  s = await startServer({ speed: 0, clock: 'virtual' }); // speed 0: steps need no clock; the clock only separates createdAt values
  integratorId = (await s.fm.services.store.users.byUsername('integrator'))!.id;
  const plan: Array<[keyof typeof ex, string]> = [
    ['inv1', FLOW.invoice], ['inv2', FLOW.invoice], ['err1', FLOW.error], ['inv3', FLOW.invoice],
    ['err2', FLOW.error], ['warn', FLOW.warning], ['appr', FLOW.approval],
  ];
  for (const [name, flowId] of plan) {
    const p = await startFlow(s, flowId);
    await pollUntil(s, p.id);
    ex[name] = await executionOf(s, p.id);
    await s.advance(3); // distinct createdAt values
  }
  const a = await startFlow(s, FLOW.invoice, { key: s.adminKey });
  await pollUntil(s, a.id, { until: STABLE, key: s.adminKey });
  adminExecution = a.id;
});
afterAll(() => s?.close());

/** One page of a list: the array the vendor answers, and the X-Total-Count flowmock adds. */
interface Listed { content: Execution[]; totalElements: number }
async function listed(res: Response): Promise<Listed> {
  const content = await json<Execution[]>(res);
  expect(Array.isArray(content)).toBe(true);
  return { content, totalElements: Number(res.headers.get('x-total-count')) };
}
const ids = (page: Listed) => page.content.map((e) => e.id);
const creationOrder = () => [ex.inv1, ex.inv2, ex.err1, ex.inv3, ex.err2, ex.warn, ex.appr].map((e) => e.id);
const list = async (query: string) => listed(await s.call(`/api/v1/flows/executions${query}`));
const filter = async (group: unknown, query = '') =>
  s.call(`/api/v1/flows/executions/filter${query}`, { method: 'POST', body: JSON.stringify({ group }), headers: { 'Content-Type': 'application/json' } });
const filtered = async (group: unknown, query = '') => listed(await filter(group, query));
const cond = (key: string, operator: string, ...values: string[]) => ({ id: crypto.randomUUID(), condition: { key, operator, values } });
const and = (...nodes: unknown[]) => ({ type: 'and', nodes });
const or = (...nodes: unknown[]) => ({ type: 'or', nodes });

describe('GET /flows/executions: paging and sorting', () => {
  it('fixture statuses as expected', async () => {
    expect(Object.fromEntries(Object.entries(ex).map(([k, e]) => [k, e.status]))).toEqual({
      inv1: 'Success', inv2: 'Success', err1: 'Error', inv3: 'Success', err2: 'Error', warn: 'Warning', appr: 'UserInput',
    });
  });

  it('pages are plain arrays (X-Total-Count says how many in all); the integrator sees only its own seven', async () => {
    const p0 = await list('?page=0&size=3');
    expect(p0.totalElements).toBe(7);
    expect(p0.content).toHaveLength(3);
    const p2 = await list('?page=2&size=3');
    expect(p2.content).toHaveLength(1);
    const beyond = await list('?page=9&size=3');
    expect(beyond).toEqual({ totalElements: 7, content: [] });
    // Defaults: page 0, size 20, newest first.
    const all = await list('');
    expect(all.totalElements).toBe(7);
    expect(ids(all)).toEqual(creationOrder().reverse());
    expect(ids(all)).not.toContain(adminExecution);
    expect(all.content.every((e) => e.createdBy!.id === integratorId)).toBe(true);
    // The pages together are the whole list, without overlap.
    const pages = [await list('?page=0&size=3'), await list('?page=1&size=3'), p2].flatMap(ids);
    expect(pages).toEqual(ids(all));
  });

  it('sorts by createdAt asc and desc, and by status', async () => {
    expect(ids(await list('?sort=createdAt,asc'))).toEqual(creationOrder());
    expect(ids(await list('?sort=createdAt'))).toEqual(creationOrder());
    expect(ids(await list('?sort=createdAt,desc'))).toEqual(creationOrder().reverse());
    const byStatus = (await list('?sort=status,asc')).content.map((e) => e.status);
    expect(byStatus).toEqual([...byStatus].sort());
    expect(byStatus).toEqual(['Error', 'Error', 'Success', 'Success', 'Success', 'UserInput', 'Warning']);
    const byStatusDesc = (await list('?sort=status,desc')).content.map((e) => e.status);
    expect(byStatusDesc).toEqual([...byStatus].reverse());
    const modified = (await list('?sort=modifiedAt,asc')).content.map((e) => Date.parse(e.modifiedAt!));
    expect(modified).toEqual([...modified].sort((a, b) => a - b));
    expect(ids(await list('?sort=id,asc'))).toEqual(creationOrder().sort());
  });

  it('size over 100, size 0, a negative page and a bad sort are 400s naming the parameter', async () => {
    for (const [query, pointer] of [
      ['?size=101', '/size'], ['?size=0', '/size'], ['?page=-1', '/page'], ['?page=x', '/page'],
      ['?sort=name,asc', '/sort'], ['?sort=createdAt,up', '/sort'], ['?sort=createdAt,asc,x', '/sort'],
    ]) {
      const p = await expectProblem(await s.call(`/api/v1/flows/executions${query}`), 400);
      expect(p.errors, query).toContainEqual(expect.objectContaining({ in: 'query', pointer }));
    }
    expect((await list('?size=100')).content).toHaveLength(7);
  });
});

describe('GET /flows/{flow}/executions', () => {
  it("lists one flow's executions with paging, sorting and the filter parameter; an unknown flow is a 404", async () => {
    const inv = await listed(await s.call(`/api/v1/flows/${FLOW.invoice}/executions?sort=createdAt,asc`));
    expect(ids(inv)).toEqual([ex.inv1.id, ex.inv2.id, ex.inv3.id]); // not admin's invoice
    expect(inv.content.every((e) => e.flow!.id === FLOW.invoice)).toBe(true);
    const paged = await listed(await s.call(`/api/v1/flows/${FLOW.invoice}/executions?size=2&page=1`));
    expect(paged.totalElements).toBe(3);
    expect(paged.content).toHaveLength(1);
    const f = encodeURIComponent(`status:Succ,id:${ex.inv2.id.slice(0, 8)}`);
    expect(ids(await listed(await s.call(`/api/v1/flows/${FLOW.invoice}/executions?filter=${f}&sort=createdAt,asc`))))
      .toEqual([ex.inv2.id]);
    expect((await listed(await s.call(`/api/v1/flows/${FLOW.slow}/executions`))).totalElements).toBe(0);
    await expectProblem(await s.call('/api/v1/flows/99999999-9999-4999-8999-999999999999/executions'), 404);
  });
});

describe('POST /flows/executions/filter', () => {
  it('status: in, equalTo, notEqualTo, like, notLike', async () => {
    expect((await filtered(and(cond('status', 'in', 'Success', 'Warning')))).totalElements).toBe(4);
    expect(ids(await filtered(and(cond('status', 'notEqualTo', 'Success')), '?sort=createdAt,asc')))
      .toEqual([ex.err1.id, ex.err2.id, ex.warn.id, ex.appr.id]);
    expect((await filtered(and(cond('status', 'like', 'succ')))).totalElements).toBe(3);
    expect((await filtered(and(cond('status', 'notLike', 'succ')))).totalElements).toBe(4);
    expect(ids(await filtered(and(cond('status', 'equalTo', 'Error')), '?sort=createdAt,asc'))).toEqual([ex.err1.id, ex.err2.id]);
    expect((await filtered(and(cond('status', 'notEqualTo', 'Error')))).totalElements).toBe(5);
    expect((await filtered(and(cond('status', 'equalTo', 'Canceled')))).totalElements).toBe(0);
  });

  it('flow (and flowId): in, equalTo, notEqualTo; flow.displayName like; mode; null and blank checks', async () => {
    expect((await filtered(and(cond('flowId', 'equalTo', FLOW.invoice)))).totalElements).toBe(3);
    expect((await filtered(and(cond('flowId', 'notEqualTo', FLOW.invoice)))).totalElements).toBe(4);
    expect((await filtered(and(cond('flowId', 'in', FLOW.error, FLOW.warning)))).totalElements).toBe(3);
    expect((await filtered(and(cond('flow', 'in', FLOW.error, FLOW.warning, FLOW.approval)))).totalElements).toBe(4);
    expect((await filtered(and(cond('flow.displayName', 'like', 'invoice')))).totalElements).toBe(3);
    expect((await filtered(and(cond('mode', 'equalTo', 'interactive')))).totalElements).toBe(7);
    expect((await filtered(and(cond('mode', 'equalTo', 'batch')))).totalElements).toBe(0);
    expect((await filtered(and(cond('id', 'isNotNull')))).totalElements).toBe(7);
    expect((await filtered(and(cond('id', 'isNull')))).totalElements).toBe(0);
    expect((await filtered(and(cond('createdBy', 'notIsBlank')))).totalElements).toBe(7);
    expect((await filtered(and(cond('createdBy', 'isBlank')))).totalElements).toBe(0);
  });

  it('createdAt: lessThan, lessThanOrEqualTo, greaterThan, greaterThanOrEqualTo (and equalTo) around one execution', async () => {
    const t = ex.inv3.createdAt;
    const asc = '?sort=createdAt,asc';
    expect(ids(await filtered(and(cond('createdAt', 'lessThan', t)), asc))).toEqual([ex.inv1.id, ex.inv2.id, ex.err1.id]);
    expect(ids(await filtered(and(cond('createdAt', 'lessThanOrEqualTo', t)), asc))).toEqual([ex.inv1.id, ex.inv2.id, ex.err1.id, ex.inv3.id]);
    expect(ids(await filtered(and(cond('createdAt', 'greaterThan', t)), asc))).toEqual([ex.err2.id, ex.warn.id, ex.appr.id]);
    expect(ids(await filtered(and(cond('createdAt', 'greaterThanOrEqualTo', t)), asc))).toEqual([ex.inv3.id, ex.err2.id, ex.warn.id, ex.appr.id]);
    expect(ids(await filtered(and(cond('createdAt', 'equalTo', t))))).toEqual([ex.inv3.id]);
    expect(ids(await filtered(and(cond('createdAt', 'between', ex.inv2.createdAt, t)), asc))).toEqual([ex.inv2.id, ex.err1.id, ex.inv3.id]);
    expect((await filtered(and(cond('createdAt', 'notBetween', ex.inv2.createdAt, t)))).totalElements).toBe(4);
    expect((await filtered(and(cond('createdAt', 'lessThan', '2000-01-01')))).totalElements).toBe(0);
    expect((await filtered(and(cond('createdAt', 'greaterThanOrEqualTo', '2000-01-01')))).totalElements).toBe(7);
  });

  it('createdAt compares instants: the same time written with an offset or without milliseconds gives the same answer', async () => {
    const t = new Date(ex.inv3.createdAt);
    const withOffset = new Date(t.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00'); // same instant
    expect((await filtered(and(cond('createdAt', 'greaterThanOrEqualTo', withOffset)))).totalElements).toBe(4);
    expect((await filtered(and(cond('createdAt', 'lessThan', withOffset)))).totalElements).toBe(3);
    // Whole seconds: everything created after the start of inv3's second, written without ms.
    const second = ex.inv3.createdAt.slice(0, 19) + 'Z';
    const expected = Object.values(ex).filter((e) => Date.parse(e.createdAt) >= Date.parse(second)).length;
    expect((await filtered(and(cond('createdAt', 'greaterThanOrEqualTo', second)))).totalElements).toBe(expected);
  });

  it('modifiedAt comparisons', async () => {
    expect((await filtered(and(cond('modifiedAt', 'lessThanOrEqualTo', '2999-01-01T00:00:00Z')))).totalElements).toBe(7);
    expect((await filtered(and(cond('modifiedAt', 'greaterThan', '2999-01-01T00:00:00Z')))).totalElements).toBe(0);
    const latest = Math.max(...Object.values(ex).map((e) => Date.parse(e.modifiedAt!)));
    const page = await filtered(and(cond('modifiedAt', 'greaterThanOrEqualTo', new Date(latest).toISOString())));
    expect(page.totalElements).toBeGreaterThanOrEqual(1);
    expect(page.content.every((e) => Date.parse(e.modifiedAt!) >= latest)).toBe(true);
  });

  it('nested and/or groups', async () => {
    // invoice or error, and (Error or created at/after inv3) → err1, inv3, err2.
    const nested = and(
      cond('flowId', 'in', FLOW.invoice, FLOW.error),
      { id: crypto.randomUUID(), group: or(cond('status', 'equalTo', 'Error'), cond('createdAt', 'greaterThanOrEqualTo', ex.inv3.createdAt)) },
    );
    expect(ids(await filtered(nested, '?sort=createdAt,asc'))).toEqual([ex.err1.id, ex.inv3.id, ex.err2.id]);
    expect((await filtered(or(cond('status', 'equalTo', 'Warning'), cond('status', 'equalTo', 'UserInput')))).totalElements).toBe(2);
    // Deeper: or( and(invoice, createdAt < inv2 + 1ms) , and(or(Warning)) ) → inv1, inv2, warn.
    const deep = or(
      { group: and(cond('flowId', 'equalTo', FLOW.invoice), cond('createdAt', 'lessThanOrEqualTo', ex.inv2.createdAt)) },
      { group: and({ group: or(cond('status', 'equalTo', 'Warning')) }) },
    );
    expect(ids(await filtered(deep, '?sort=createdAt,asc'))).toEqual([ex.inv1.id, ex.inv2.id, ex.warn.id]);
    expect((await filtered(and())).totalElements).toBe(7); // an empty group matches everything
    // Paging and sorting apply to the filtered list.
    const paged = await filtered(and(cond('status', 'in', 'Success', 'Error')), '?size=2&page=2&sort=createdAt,asc');
    expect(paged.totalElements).toBe(5);
    expect(ids(paged)).toEqual([ex.err2.id]);
  });

  it('an unknown key or operator is a 400 naming the pointer, never an empty list', async () => {
    let p = await expectProblem(await filter(and(cond('owner', 'equalTo', 'x'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/group/nodes/0/condition/key', rule: 'enum' }));
    p = await expectProblem(await filter(and(cond('status', 'notIn', 'Success'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ in: 'body', pointer: '/group/nodes/0/condition/operator', rule: 'enum' }));
    p = await expectProblem(await filter(and(cond('status', 'in', 'Success'), { group: or(cond('flowId', 'between', 'a')) })), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/1/group/nodes/0/condition/values', rule: 'minItems' }));
    // isTrue/isFalse fit no execution property; ordering does not apply to status.
    p = await expectProblem(await filter(and(cond('status', 'isTrue'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/0/condition/operator', rule: 'type' }));
    p = await expectProblem(await filter(and(cond('status', 'greaterThan', 'Error'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/0/condition/operator' }));
    // More values in all than the stated limit (1000).
    const many = Array.from({ length: 11 }, () => cond('id', 'in', ...Array.from({ length: 100 }, (_, i) => `x${i}`)));
    p = await expectProblem(await filter(or(...many)), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group', rule: 'maxValues' }));
    p = await expectProblem(await filter({ type: 'xor', nodes: [] }), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/type' }));
    // Values the key cannot take, and a single-value operator with two values.
    p = await expectProblem(await filter(and(cond('status', 'in', 'Done'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/0/condition/values/0', rule: 'enum' }));
    p = await expectProblem(await filter(and(cond('createdAt', 'lessThan', 'yesterday'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/0/condition/values/0', rule: 'format' }));
    p = await expectProblem(await filter(and(cond('status', 'equalTo', 'Success', 'Error'))), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group/nodes/0/condition/values' }));
    // No group at all.
    p = await expectProblem(await s.call('/api/v1/flows/executions/filter', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ pointer: '/group', rule: 'required' }));
  });

  it('the `filter` query parameter of GET /flows/executions is property:value terms (contains, all must hold)', async () => {
    expect((await list('?filter=status:Error')).totalElements).toBe(2);
    expect((await list('?filter=status:err')).totalElements).toBe(2);
    expect(ids(await list(`?filter=${encodeURIComponent(`status:Success,flow:${FLOW.invoice}`)}&sort=createdAt,asc`)))
      .toEqual([ex.inv1.id, ex.inv2.id, ex.inv3.id]);
    expect((await list(`?filter=${encodeURIComponent('flow.displayName:Approv')}`)).totalElements).toBe(1);
    for (const bad of ['owner:x', 'status', ':x', Array.from({ length: 21 }, () => 'status:S').join(',')]) {
      const p = await expectProblem(await s.call(`/api/v1/flows/executions?filter=${encodeURIComponent(bad)}`), 400);
      expect(p.errors, bad).toEqual([expect.objectContaining({ in: 'query', pointer: '/filter' })]);
    }
  });
});

describe('POST /flows/executions/statistics', () => {
  const stats = async (group: unknown, key?: string) =>
    json(await s.call('/api/v1/flows/executions/statistics', {
      method: 'POST', body: JSON.stringify({ group }), headers: { 'Content-Type': 'application/json' }, key,
    }));

  it('counts per day (with the count per status), per flow and per user (the caller\'s own executions)', async () => {
    const st = await stats(and());
    // Per UTC day (normally one day; two if the fixture ran across midnight).
    const days = new Map<string, Map<string, number>>();
    for (const e of Object.values(ex)) {
      const day = days.get(e.createdAt.slice(0, 10)) ?? new Map<string, number>();
      day.set(e.status, (day.get(e.status) ?? 0) + 1);
      days.set(e.createdAt.slice(0, 10), day);
    }
    expect(st.perTime).toEqual([...days].sort().map(([label, per]) => ({
      label,
      perStatus: [...per].sort().map(([status, count]) => ({ status, count })),
      totalCount: [...per.values()].reduce((a, b) => a + b, 0),
    })));
    expect(st.perTime.reduce((n: number, t: { totalCount: number }) => n + t.totalCount, 0)).toBe(7);
    expect(st.perObject).toEqual(expect.arrayContaining([
      { object: { id: FLOW.invoice, displayName: 'Invoice', type: 'flow' }, count: 3, percentage: 43 },
      { object: { id: FLOW.error, displayName: 'Broken data source', type: 'flow' }, count: 2, percentage: 29 },
      { object: { id: FLOW.warning, displayName: 'Archive with warning', type: 'flow' }, count: 1, percentage: 14 },
      { object: { id: FLOW.approval, displayName: 'Approval', type: 'flow' }, count: 1, percentage: 14 },
    ]));
    expect(st.perObject).toHaveLength(4);
    expect(st.perUser).toEqual([{ user: { id: integratorId, displayName: 'Integrator', type: 'user' }, count: 7, percentage: 100 }]);
    // groupTimeBy=year: one period; an unknown grouping is a 400 naming it.
    const byYear = await json(await s.call('/api/v1/flows/executions/statistics?groupTimeBy=year', {
      method: 'POST', body: JSON.stringify({ group: and() }), headers: { 'Content-Type': 'application/json' },
    }));
    expect(byYear.perTime.map((t: { label: string }) => t.label)).toEqual([...new Set(Object.values(ex).map((e) => e.createdAt.slice(0, 4)))]);
    const p = await expectProblem(await s.call('/api/v1/flows/executions/statistics?groupTimeBy=week', { method: 'POST' }), 400);
    expect(p.errors).toContainEqual(expect.objectContaining({ in: 'query', pointer: '/groupTimeBy' }));
  });

  it('applies the filter; admin (read:flowExecutions) counts everyone\'s', async () => {
    const errors = await stats(and(cond('status', 'equalTo', 'Error')));
    expect(errors.perTime.flatMap((t: { perStatus: unknown[] }) => t.perStatus)).toEqual([{ status: 'Error', count: 2 }]);
    expect(errors.perObject).toEqual([{ object: expect.objectContaining({ id: FLOW.error }), count: 2, percentage: 100 }]);
    const admin = await stats(and(), s.adminKey);
    expect(admin.perTime.reduce((n: number, t: { totalCount: number }) => n + t.totalCount, 0)).toBe(8);
    expect(admin.perUser).toHaveLength(2);
    await expectProblem(await s.call('/api/v1/flows/executions/statistics', {
      method: 'POST', body: JSON.stringify({ group: and(cond('status', 'near', 'x')) }), headers: { 'Content-Type': 'application/json' },
    }), 400);
  });
});
