/**
 * flowmock extensions for seeing what a client did: the request journal (list, reset, verify:
 * 200 when the expectation holds, 409 when not), the client report, and the dashboard's data
 * (executions, actionflow runs, the Server-Sent Events stream, ended by its `timeout`).
 * Resets the target's journal first: the checks count requests made here.
 */
import type { Scenario } from '../context.js';
import { apiKey, asAdmin, ensure, executeFlow, expectStatus, mustStatus, needsAdminAndUserKeys, waitForExecution } from '../scenario-kit.js';

export const journalDashboardScenario: Scenario = {
  name: 'flowmock: request journal, verify, client report and dashboard data',
  api: 'smartflows',
  skip: needsAdminAndUserKeys,
  async run(ctx) {
    const fx = ctx.main.fixtures;
    const admin = asAdmin(ctx);
    const user = ctx.main.strict.as(apiKey(fx.keys.user));

    mustStatus(ctx, (await admin.DELETE('/__flowmock/requests')).response, 204, 'ClearRequestJournal');
    const { id } = await executeFlow(ctx, user, fx.flows.success, 'ExecuteFlow (traffic for the journal)');
    await waitForExecution(ctx, user, id, (s) => s === 'Success', 'journaled run');

    const list = await admin.GET('/__flowmock/requests', { params: { query: { operationId: 'ExecuteFlow', size: 5 } } });
    if (expectStatus(ctx, list.response, 200, 'GetRequestJournal by operation')) {
      const entry = list.data!.content[0];
      ensure(ctx, 'behaves_as_documented', list.data!.totalElements === 1 && entry?.executionId === id && entry.user === fx.usernames.user
        && entry.requestHeaders['x-api-key'] === '[redacted]',
      `the journal holds the start of ${id} by ${fx.usernames.user}, key redacted (${list.data!.totalElements} entries)`, 'GetRequestJournal');
      ensure(ctx, 'behaves_as_documented', !JSON.stringify(list.data).includes(fx.keys.user!), 'the journal never shows the key', 'GetRequestJournal');
    }
    const progress = '/api/v1/flows/executions/{execution}/progress';
    const holds = await admin.POST('/__flowmock/requests/verify', { body: { method: 'GET', path: progress, count: { atLeast: 1 } } });
    if (expectStatus(ctx, holds.response, 200, 'VerifyRequests of an expectation that holds')) {
      ensure(ctx, 'behaves_as_documented', holds.data!.ok && holds.data!.matched >= 1, `verify: ok, ${holds.data!.matched} progress requests`, 'VerifyRequests');
    }
    const fails = await admin.POST('/__flowmock/requests/verify', { body: { method: 'GET', path: progress, count: 0 } });
    expectStatus(ctx, fails.response, 409, 'VerifyRequests of an expectation that does not hold');

    const report = await admin.GET('/__flowmock/report/clients');
    if (expectStatus(ctx, report.response, 200, 'GetClientReport')) {
      const mine = report.data!.clients.find((c) => c.user === fx.usernames.user);
      ensure(ctx, 'behaves_as_documented', mine?.executionsStarted === 1 && mine.executionsUnread.count === 0,
        `the report shows one execution started by ${fx.usernames.user} and read to the end`, 'GetClientReport');
    }
    // Through the lenient proxy (the strict one answers invalid requests itself): a malformed time is a 400.
    const badSince = await ctx.main.lenient.as(apiKey(fx.keys.admin)).GET('/__flowmock/report/clients', { params: { query: { since: 'yesterday' } } });
    expectStatus(ctx, badSince.response, 400, 'GetClientReport with a since that is no date-time', 'negative_input_rejected');

    const executions = await admin.GET('/__flowmock/executions', { params: { query: { size: 20 } } });
    if (expectStatus(ctx, executions.response, 200, 'GetExecutionOverview')) {
      const row = executions.data!.content.find((e) => e.id === id);
      ensure(ctx, 'behaves_as_documented', row?.status === 'Success' && row.percentage === 100 && row.documents.length >= 1,
        `the overview shows ${id} at 100% with its document`, 'GetExecutionOverview');
    }
    expectStatus(ctx, (await admin.GET('/__flowmock/processes', { params: { query: { size: 5 } } })).response, 200, 'GetProcessOverview');
    const events = await admin.GET('/__flowmock/events', { params: { query: { timeout: 1 } }, parseAs: 'text' });
    if (expectStatus(ctx, events.response, 200, 'GetDashboardEvents ended by its timeout')) {
      ensure(ctx, 'behaves_as_documented', /^retry: 1000\n\nevent: ready\ndata: \{"timeout":1\}\n\n/.test(events.data as unknown as string),
        'the event stream starts with retry and ready', 'GetDashboardEvents');
    }
  },
};
