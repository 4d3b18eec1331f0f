/**
 * Smart Flows on the queue server (maxConcurrent 1, speed 0.05, virtual clock): starts over the
 * limit are Queued and run one at a time in queue order; a flow running longer than its maximum
 * duration ends Interrupted. Nothing moves until the scenario advances the clock (AdvanceClock,
 * through the strict proxy like every other call), so each state below is exact, not a race
 * between the starts and the first run's end.
 */
import type { Scenario } from '../context.js';
import { apiKey, ensure, must, mustStatus, type Progress } from '../scenario-kit.js';

/** Virtual time per advance: below the shortest step of the demo flows (30 ms at speed 0.05). */
const STEP_MS = 10;
/** Virtual time a run may take before the scenario gives up (the demo flows need 120 and 150 ms). */
const RUN_LIMIT_MS = 2_000;

export const queueScenario: Scenario = {
  name: 'smartflows: queue (maxConcurrent 1) and Interrupted',
  api: 'smartflows',
  skip: (ctx) => (ctx.queue ? (ctx.queue.fixtures.keys.admin ? null : 'needs keys.admin on the queue server')
    : 'needs a server with maxConcurrent 1, speed > 0 and a virtual clock (started only for reference runs)'),
  async run(ctx) {
    const q = ctx.queue!;
    const fx = q.fixtures;
    const admin = q.strict.as(apiKey(fx.keys.admin));
    const clock = await admin.GET('/__flowmock/clock');
    mustStatus(ctx, clock.response, 200, 'GetClock on the queue server');
    must(ctx, clock.data!.mode === 'virtual', `the queue server runs on the virtual clock (${clock.data!.mode})`, 'GetClock');

    const advance = async (what: string) => {
      const r = await admin.POST('/__flowmock/clock', { body: { advanceMs: STEP_MS } });
      mustStatus(ctx, r.response, 200, `AdvanceClock ${STEP_MS} ms (${what})`);
    };
    const progress = async (id: string, what: string): Promise<Progress> => {
      const r = await admin.GET('/api/v1/flows/executions/{execution}/progress', { params: { path: { execution: id }, query: { timeout: 0 } } });
      mustStatus(ctx, r.response, 200, `${what}: progress of ${id}`);
      return r.data as Progress;
    };
    /** Advances the clock step by step until `id` leaves Running; `others` must stay Queued while it runs. */
    const runToEnd = async (id: string, others: string[], what: string): Promise<Progress> => {
      for (let t = 0; t < RUN_LIMIT_MS; t += STEP_MS) {
        await advance(what);
        const p = await progress(id, what);
        if (p.status !== 'Running') return p; // the next one in the queue may start now (checked by the caller)
        for (const o of others) {
          const w = await progress(o, `${what}: waiting`);
          ensure(ctx, 'behaves_as_documented', w.status === 'Queued' && w.percentage === 0,
            `one at a time: ${o} stays Queued at 0% while ${id} runs (${w.status} ${w.percentage}%)`, 'GetFlowExecutionProgress');
        }
      }
      must(ctx, false, `${what}: ${id} still Running after ${RUN_LIMIT_MS} ms of virtual time`, 'GetFlowExecutionProgress');
    };

    // Three starts, one after the other on a clock that stands still: the first takes the one slot,
    // the other two queue behind it in this order.
    const starts: Progress[] = [];
    for (const i of [1, 2, 3]) {
      const r = await admin.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.success } } });
      mustStatus(ctx, r.response, 200, `ExecuteFlow #${i} on the queue server`);
      starts.push(r.data as Progress);
    }
    const shown = starts.map((s) => `${s.status} ${s.percentage}%`).join(', ');
    ensure(ctx, 'behaves_as_documented', starts[0].status === 'Running' && starts.filter((s) => s.status === 'Running').length === 1,
      `exactly one start runs, the first (${shown})`, 'ExecuteFlow');
    ensure(ctx, 'behaves_as_documented', starts[1].status === 'Queued' && starts[2].status === 'Queued' && starts.every((s) => s.percentage === 0),
      `starts over the limit are Queued at 0% (${shown})`, 'ExecuteFlow');

    // Each run ends Success before the next one in the queue leaves Queued; the next is Running at
    // once (FIFO), the rest still Queued. Every run is seen Queued → Running → Success (--compare).
    for (const [i, s] of starts.entries()) {
      const waiting = starts.slice(i + 1).map((w) => w.id);
      if (i > 0) {
        const now = await progress(s.id, `queued run #${i + 1}`);
        ensure(ctx, 'behaves_as_documented', now.status === 'Running',
          `FIFO: run #${i + 1} is Running once run #${i} ended (${now.status} ${now.percentage}%)`, 'GetFlowExecutionProgress');
      }
      const end = await runToEnd(s.id, waiting, `run #${i + 1}`);
      ensure(ctx, 'behaves_as_documented', end.status === 'Success', `run #${i + 1} ends Success (${end.status})`, 'GetFlowExecutionProgress');
    }

    // The slow flow needs more than its maximum duration: it ends Interrupted partway.
    const slow = await admin.POST('/api/v1/flows/executions', { params: { query: { flowId: fx.flows.slow } } });
    mustStatus(ctx, slow.response, 200, 'ExecuteFlow of the slow flow');
    ensure(ctx, 'behaves_as_documented', slow.data!.status === 'Running', `the slow flow runs on a free slot (${slow.data!.status})`, 'ExecuteFlow');
    const end = await runToEnd(slow.data!.id, [], 'slow flow past its maximum duration');
    ensure(ctx, 'behaves_as_documented', end.status === 'Interrupted' && end.percentage < 100,
      `Interrupted before the end (${end.status} ${end.percentage}%)`, 'GetFlowExecutionProgress');
  },
};
