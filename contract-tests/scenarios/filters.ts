/**
 * Smart Flows: list paging and sorting, condition groups (query and body), statistics, and the
 * rules the server checks beyond the schema (unknown status values, dates, one value per
 * comparison, malformed filter JSON): always a 400, never an empty list.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, expectStatus, mustStatus, needsUserKey } from '../scenario-kit.js';

type Group = { type: 'and' | 'or'; nodes: Array<{ id?: string; condition?: { key: 'status' | 'createdAt' | 'modifiedAt' | 'flowId'; operator: 'in' | 'notIn' | 'equalTo' | 'notEqualTo' | 'lessThan' | 'lessThanOrEqualTo' | 'greaterThan' | 'greaterThanOrEqualTo'; values: string[] }; group?: Group }> };

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
      const s = byStatus.data!.content.map((e) => e.status);
      ensure(ctx, 'behaves_as_documented', s.every((v, i) => i === 0 || s[i - 1] <= v), 'sorted by status ascending', 'GetAllFlowExecutions');
    }
    const newest = await user.GET('/api/v1/flows/executions', { params: { query: { size: 100 } } });
    if (expectStatus(ctx, newest.response, 200, 'GetAllFlowExecutions default sort')) {
      const c = newest.data!.content.map((e) => e.createdAt);
      ensure(ctx, 'behaves_as_documented', c.every((v, i) => i === 0 || c[i - 1] >= v), 'newest first by default', 'GetAllFlowExecutions');
    }
    const one = await user.GET('/api/v1/flows/executions', { params: { query: { size: 1, page: 1 } } });
    if (expectStatus(ctx, one.response, 200, 'GetAllFlowExecutions size=1 page=1')) {
      ensure(ctx, 'behaves_as_documented', one.data!.content.length <= 1 && one.data!.number === 1 && one.data!.size === 1,
        `page 1 of size 1 (${one.data!.content.length} items, number ${one.data!.number})`, 'GetAllFlowExecutions');
    }

    const nested: Group = { type: 'or', nodes: [
      { id: 'a', condition: { key: 'status', operator: 'equalTo', values: ['Success'] } },
      { id: 'b', group: { type: 'and', nodes: [
        { condition: { key: 'status', operator: 'notIn', values: ['Success'] } },
        { condition: { key: 'createdAt', operator: 'greaterThanOrEqualTo', values: ['2000-01-01'] } },
      ] } },
    ] };
    const all = await user.POST('/api/v1/flows/executions/filter', { body: { group: nested }, params: { query: { size: 100 } } });
    if (expectStatus(ctx, all.response, 200, 'GetFilteredFlowExecutions with a nested or/and group')) {
      ensure(ctx, 'behaves_as_documented', all.data!.totalElements === newest.data?.totalElements,
        `a group matching everything lists everything (${all.data!.totalElements} of ${newest.data?.totalElements})`, 'GetFilteredFlowExecutions');
    }
    const stats = await user.POST('/api/v1/flows/executions/statistics', { body: { group: { type: 'and', nodes: [] } } });
    if (expectStatus(ctx, stats.response, 200, 'GetFlowExecutionStatistics with an empty group')) {
      const s = stats.data!;
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      ensure(ctx, 'behaves_as_documented',
        sum(Object.values(s.perStatus)) === s.total && sum(s.perTime.map((x) => x.count)) === s.total && sum(s.perObject.map((x) => x.count)) === s.total,
        `statistics add up (total ${s.total})`, 'GetFlowExecutionStatistics');
    }
    const ofFlow = await user.GET('/api/v1/flows/{flow}/executions', {
      params: { path: { flow: fx.flows.error }, query: { filter: JSON.stringify({ group: { type: 'and', nodes: [{ condition: { key: 'status', operator: 'in', values: ['Error'] } }] } }) } },
    });
    if (expectStatus(ctx, ofFlow.response, 200, 'GetFlowExecutions with a filter')) {
      ensure(ctx, 'behaves_as_documented', ofFlow.data!.content.every((e) => e.status === 'Error' && e.flow.id === fx.flows.error), 'only Error executions of that flow', 'GetFlowExecutions');
    }

    // Rules beyond the schema: 400 naming the value, never an empty list.
    const bad: Array<[string, Group]> = [
      ['an unknown status value', { type: 'and', nodes: [{ condition: { key: 'status', operator: 'in', values: ['Finished'] } }] }],
      ['a date that is not ISO-8601', { type: 'and', nodes: [{ condition: { key: 'createdAt', operator: 'lessThan', values: ['yesterday'] } }] }],
      ['two values for equalTo', { type: 'and', nodes: [{ condition: { key: 'status', operator: 'equalTo', values: ['Success', 'Error'] } }] }],
    ];
    for (const [what, group] of bad) {
      expectStatus(ctx, (await user.POST('/api/v1/flows/executions/filter', { body: { group } })).response, 400, `GetFilteredFlowExecutions with ${what}`);
      expectStatus(ctx, (await user.POST('/api/v1/flows/executions/statistics', { body: { group } })).response, 400, `GetFlowExecutionStatistics with ${what}`);
      expectStatus(ctx, (await user.GET('/api/v1/flows/executions', { params: { query: { filter: JSON.stringify({ group }) } } })).response, 400,
        `GetAllFlowExecutions with a filter holding ${what}`);
    }
    // The filter query parameter is JSON text: malformed JSON or a wrong key is a 400 (the schema only says "string").
    expectStatus(ctx, (await user.GET('/api/v1/flows/executions', { params: { query: { filter: '{"group":' } } })).response, 400, 'GetAllFlowExecutions with malformed filter JSON');
    expectStatus(ctx, (await user.GET('/api/v1/flows/{flow}/executions', { params: { path: { flow: fx.flows.success }, query: { filter: '{"group":{"type":"xor","nodes":[]}}' } } })).response, 400,
      'GetFlowExecutions with an unknown group type in the filter');
  },
};
