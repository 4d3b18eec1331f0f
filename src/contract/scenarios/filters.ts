/**
 * Smart Flows: lists (plain JSON arrays, as the vendor's) with paging and sorting, filter groups
 * (the vendor's operators, nested groups), the `filter` query parameter (`property:value`,
 * contains), statistics (the vendor's Statistics), and the rules the server checks beyond the
 * schema (unknown status values, dates, value counts, unknown properties): always a 400, never
 * an empty list.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus, needsUserKey } from '../scenario-kit.js';

type Operator = 'between' | 'notBetween' | 'equalTo' | 'notEqualTo' | 'like' | 'notLike' | 'greaterThan' | 'lessThan'
  | 'greaterThanOrEqualTo' | 'lessThanOrEqualTo' | 'isTrue' | 'isFalse' | 'isBlank' | 'notIsBlank' | 'in' | 'isNull' | 'isNotNull';
type Group = { type: 'and' | 'or'; nodes: Array<{ id?: string; condition?: { key: string; operator: Operator; values?: string[] }; group?: Group }> };

export const filtersScenario: Scenario = {
  name: 'smartflows: lists, sorting, filters and statistics',
  api: 'smartflows',
  skip: needsUserKey,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const user = ctx.main.strict.as(apiKey(fx.keys.user));
    // Make sure there is something to list.
    mustStatus(ctx, (await user.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.success } } })).response, 200, 'ExecuteFlow for the lists');
    mustStatus(ctx, (await user.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.error } } })).response, 200, 'ExecuteFlow for the lists');

    const byStatus = await user.GET('/api/v1/flows/executions', { params: { query: { sort: 'status,asc', size: 100 } } });
    if (expectStatus(ctx, byStatus.response, 200, 'GetAllFlowExecutions sort=status,asc')) {
      const s = byStatus.data!.map((e) => e.status);
      ensure(ctx, 'behaves_as_documented', s.every((v, i) => i === 0 || s[i - 1] <= v), 'sorted by status ascending', 'GetAllFlowExecutions');
    }
    const newest = await user.GET('/api/v1/flows/executions', { params: { query: { size: 100 } } });
    if (expectStatus(ctx, newest.response, 200, 'GetAllFlowExecutions default sort')) {
      const c = newest.data!.map((e) => e.createdAt);
      ensure(ctx, 'behaves_as_documented', Array.isArray(newest.data) && c.every((v, i) => i === 0 || c[i - 1] >= v),
        'a plain array, newest first by default', 'GetAllFlowExecutions');
    }
    const one = await user.GET('/api/v1/flows/executions', { params: { query: { size: 1, page: 1 } } });
    if (expectStatus(ctx, one.response, 200, 'GetAllFlowExecutions size=1 page=1')) {
      ensure(ctx, 'behaves_as_documented', one.data!.length <= 1 && (newest.data ?? []).length < 2 || one.data![0]?.id === newest.data![1]?.id,
        `page 1 of size 1 is the second newest (${one.data!.length} items)`, 'GetAllFlowExecutions');
    }

    const nested: Group = { type: 'or', nodes: [
      { id: 'a', condition: { key: 'status', operator: 'equalTo', values: ['Success'] } },
      { id: 'b', group: { type: 'and', nodes: [
        { condition: { key: 'status', operator: 'notEqualTo', values: ['Success'] } },
        { condition: { key: 'createdAt', operator: 'greaterThanOrEqualTo', values: ['2000-01-01'] } },
      ] } },
    ] };
    const all = await user.POST('/api/v1/flows/executions/filter', { body: { group: nested }, params: { query: { size: 100 } } });
    if (expectStatus(ctx, all.response, 200, 'GetFilteredFlowExecutions with a nested or/and group')) {
      ensure(ctx, 'behaves_as_documented', all.data!.length === newest.data?.length,
        `a group matching everything lists everything (${all.data!.length} of ${newest.data?.length})`, 'GetFilteredFlowExecutions');
    }
    const like = await user.POST('/api/v1/flows/executions/filter', {
      body: { group: { type: 'and', nodes: [{ condition: { key: 'status', operator: 'like', values: ['succ'] } }, { condition: { key: 'id', operator: 'isNotNull' } }] } },
      params: { query: { size: 100 } },
    });
    if (expectStatus(ctx, like.response, 200, 'GetFilteredFlowExecutions with like and isNotNull')) {
      ensure(ctx, 'behaves_as_documented', like.data!.every((e) => e.status === 'Success'), 'like "succ" matches Success only', 'GetFilteredFlowExecutions');
    }
    const stats = await user.POST('/api/v1/flows/executions/statistics', { body: { group: { type: 'and', nodes: [] } } });
    if (expectStatus(ctx, stats.response, 200, 'GetFlowExecutionStatistics with an empty group')) {
      const s = stats.data!;
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const total = sum((s.perTime ?? []).map((x) => x.totalCount ?? 0));
      ensure(ctx, 'behaves_as_documented',
        (s.perTime ?? []).every((t) => sum((t.perStatus ?? []).map((p) => p.count ?? 0)) === t.totalCount)
          && sum((s.perObject ?? []).map((x) => x.count ?? 0)) === total && sum((s.perUser ?? []).map((x) => x.count ?? 0)) === total,
        `statistics add up (total ${total})`, 'GetFlowExecutionStatistics');
    }
    const ofFlow = await user.GET('/api/v1/flows/{flow}/executions', {
      params: { path: { flow: fx.flows.error }, query: { filter: 'status:Error' } },
    });
    if (expectStatus(ctx, ofFlow.response, 200, 'GetFlowExecutions with a filter')) {
      ensure(ctx, 'behaves_as_documented', ofFlow.data!.every((e) => e.status === 'Error' && e.flow?.id === fx.flows.error), 'only Error executions of that flow', 'GetFlowExecutions');
    }

    // Rules beyond the schema: 400 naming the value, never an empty list.
    const bad: Array<[string, Group]> = [
      ['an unknown status value', { type: 'and', nodes: [{ condition: { key: 'status', operator: 'in', values: ['Finished'] } }] }],
      ['a date that is not ISO-8601', { type: 'and', nodes: [{ condition: { key: 'createdAt', operator: 'lessThan', values: ['yesterday'] } }] }],
      ['two values for equalTo', { type: 'and', nodes: [{ condition: { key: 'status', operator: 'equalTo', values: ['Success', 'Error'] } }] }],
      ['an unknown property', { type: 'and', nodes: [{ condition: { key: 'owner', operator: 'equalTo', values: ['x'] } }] }],
      ['isTrue on a property that is not boolean', { type: 'and', nodes: [{ condition: { key: 'status', operator: 'isTrue' } }] }],
    ];
    for (const [what, group] of bad) {
      expectStatus(ctx, (await user.POST('/api/v1/flows/executions/filter', { body: { group } })).response, 400, `GetFilteredFlowExecutions with ${what}`);
      expectStatus(ctx, (await user.POST('/api/v1/flows/executions/statistics', { body: { group } })).response, 400, `GetFlowExecutionStatistics with ${what}`);
    }
    // The filter query parameter is property:value terms: an unknown property or a term without a colon is a 400.
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions', { params: { query: { filter: 'owner:x' } } })).response, 400, 'GetAllFlowExecutions with an unknown filter property');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: fx.flows.success }, query: { filter: 'status' } } })).response, 400,
      'GetFlowExecutions with a filter term without a colon');
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions', { params: { query: { sort: 'owner,asc' } } })).response, 400, 'GetAllFlowExecutions sorted by an unknown property');
  },
};
