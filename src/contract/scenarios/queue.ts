/**
 * Smart Flows on the queue server (maxConcurrent 1, speed 0.05): starts over the limit are Queued
 * and run one after the other; a flow running longer than its maximum duration ends Interrupted.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, mustStatus, waitForExecution } from '../scenario-kit.js';

export const queueScenario: Scenario = {
  name: 'smartflows: queue (maxConcurrent 1) and Interrupted',
  api: 'smartflows',
  skip: (ctx) => (ctx.queue ? (ctx.queue.fixtures.keys.admin ? null : 'needs keys.admin on the queue server')
    : 'needs a server with maxConcurrent 1 and speed > 0 (started only for reference runs)'),
  async run(ctx) {
    const q = ctx.queue!;
    const fx = q.fixtures;
    const admin = q.strict.as(apiKey(fx.keys.admin));
    // Three starts at once: one runs, the others wait in the queue.
    const answers = await Promise.all([0, 1, 2].map(() => admin.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.success } } })));
    for (const [i, r] of answers.entries()) mustStatus(ctx, r.response, 200, `ExecuteFlow #${i + 1} on the queue server`);
    const starts = answers.map((r) => r.data!);
    const shown = starts.map((s) => `${s.status} ${s.percentage}%`).join(', ');
    ensure(ctx, 'behaves_as_documented', starts.filter((s) => s.status === 'Running').length <= 1, `at most one start runs (${shown})`, 'ExecuteFlow');
    ensure(ctx, 'behaves_as_documented', starts.filter((s) => s.status === 'Queued').length >= 2 && starts.every((s) => s.percentage === 0),
      `starts over the limit are Queued at 0% (${shown})`, 'ExecuteFlow');
    // Follow them in queue order, so that each run is watched from Queued through Running to Success
    // whatever order the three starts arrived in (--compare compares the transitions seen): the one
    // running, then the one the queue starts when it ends, then the last.
    const first = starts.find((s) => s.status === 'Running') ?? starts[0];
    await waitForExecution(ctx, admin, first.id, (st) => st === 'Success', 'first run to Success');
    // The queue starts the next run as the first one ends: of the other two, that one is Running now.
    const progressNow = (id: string) => admin.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id }, query: { timeout: 0 } } });
    const [a, b] = starts.filter((s) => s !== first);
    await progressNow(a.id);
    const order = (await progressNow(b.id)).data?.status === 'Running' ? [b, a] : [a, b];
    for (const s of order) await waitForExecution(ctx, admin, s.id, (st) => st === 'Success', 'queued run to Success');

    const slow = await admin.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.slow } } });
    mustStatus(ctx, slow.response, 200, 'ExecuteFlow of the slow flow');
    const end = await waitForExecution(ctx, admin, slow.data!.id, (st) => st === 'Interrupted', 'slow flow past its maximum duration');
    ensure(ctx, 'behaves_as_documented', end.percentage < 100, `Interrupted before the end (${end.percentage}%)`, 'GetFlowExecutionProgress');
  },
};
