/**
 * Scenarios (flowmock extension): `Prefer: scenario=<name>` on a start or a PhixFlow trigger, and
 * a definition's default `scenario`, change how that one execution or run behaves. Most run at
 * speed 0 on the demo flows; the timing scenarios (slow-success, queued, stuck until the maximum
 * duration) run on a virtual clock, so they take milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { FLOW, STABLE, callbackOf, documentsOf, executionOf, expectProblem, json, pollUntil, progressOf, type Progress } from '../smartflows/helpers.js';
import { call, envelopeOf, get, tokenFor, triggerPath } from '../phixflow/helpers.js';
import { loadBundledSpec } from '../../src/http/openapi-document.js';
import { FLOW_SCENARIOS, PHIXFLOW_SCENARIOS, ERROR_AT_PATTERN } from '../../src/engine/scenarios.js';
import { DefinitionError, loadDefinitions } from '../../src/engine/definitions/load.js';

let s: TestServer; // speed 0, real clock
let v: TestServer; // speed 1, virtual clock
let token: string;

beforeAll(async () => {
  [s, v] = await Promise.all([startServer({ speed: 0 }), startServer({ speed: 1, clock: 'virtual' })]);
  token = await tokenFor(s, 'api-user');
});
afterAll(async () => {
  await Promise.all([s?.close(), v?.close()]);
});

/** POST /api/v1/flows/executions (or /start) with `Prefer: scenario=<name>`; the raw answer. */
function startWith(t: TestServer, flowId: string, scenario: string | null, opts: { skipUserInput?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = scenario === null ? {} : { Prefer: `scenario=${scenario}` };
  const url = opts.skipUserInput ? `/api/v1/flows/executions/start?flow=${flowId}` : `/api/v1/flows/executions?flowId=${flowId}`;
  return t.call(url, { method: 'POST', headers });
}

/** The first progress (StartFlow answers the execution: its progress is read at once). */
async function started(t: TestServer, flowId: string, scenario: string | null, opts: { skipUserInput?: boolean } = {}): Promise<Progress> {
  const first = await json<{ id: string }>(await startWith(t, flowId, scenario, opts));
  if (!opts.skipUserInput) return first as Progress;
  return json<Progress>(await t.call(`/api/v1/flows/executions/${first.id}/progress?timeout=0`));
}

const advance = async (t: TestServer, advanceMs: number) =>
  json<{ now: string; fired: number }>(await t.call('/__flowmock/clock', {
    method: 'POST', key: t.adminKey, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advanceMs }),
  }));

describe('Prefer: scenario — choosing and refusing', () => {
  it('an unknown scenario is a 400 naming the header and listing the known ones (flows and actionflows)', async () => {
    const p = await expectProblem(await startWith(s, FLOW.invoice, 'explode'), 400);
    expect(p.errors?.[0]).toMatchObject({ in: 'header', pointer: '/prefer', rule: 'scenario' });
    for (const name of ['slow-success', 'stuck', 'interrupted-after-progress', 'error-at-<1-100>', 'user-input', 'waiting', 'queued', 'document-missing']) {
      expect(p.detail).toContain(name);
    }
    // A flow scenario on an actionflow, and error-at out of range, are unknown there too.
    const res = await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [], headers: { Prefer: 'scenario=stuck' } });
    expect(res.status).toBe(400);
    const q = (await res.json()) as { detail: string; errors: Array<{ in: string; pointer: string }> };
    expect(q.errors[0]).toMatchObject({ in: 'header', pointer: '/prefer' });
    expect(q.detail).toContain('timeout, partial-failure, stop');
    await expectProblem(await startWith(s, FLOW.invoice, 'error-at-0'), 400);
    await expectProblem(await startWith(s, FLOW.invoice, 'error-at-101'), 400);
  });

  it('the scenario in effect is echoed in Preference-Applied; other preferences in the header are left alone', async () => {
    const res = await s.call(`/api/v1/flows/executions?flowId=${FLOW.invoice}`, { method: 'POST', headers: { Prefer: 'respond-async, scenario=document-missing; x=1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('scenario=document-missing');
    await pollUntil(s, ((await res.json()) as Progress).id, { until: STABLE });
    const plain = await startWith(s, FLOW.invoice, null);
    expect(plain.headers.get('preference-applied')).toBeNull();
  });

  it('the spec lists exactly the scenario names the server knows', () => {
    const spec = loadBundledSpec() as any;
    const param = spec.components.parameters.PreferScenario;
    expect(param).toMatchObject({ name: 'Prefer', in: 'header', required: false });
    expect(param['x-flowmock-scenarios'].flows.enum).toEqual([...FLOW_SCENARIOS]);
    expect(param['x-flowmock-scenarios'].flows.pattern).toBe(ERROR_AT_PATTERN);
    expect(param['x-flowmock-scenarios'].actionflows.enum).toEqual([...PHIXFLOW_SCENARIOS]);
    for (const op of ['/api/v1/flows/executions', '/api/v1/flows/executions/start']) {
      expect(spec.paths[op].post.parameters).toContainEqual({ $ref: '#/components/parameters/PreferScenario' });
    }
  });
});

describe('flow scenarios (speed 0)', () => {
  it('interrupted-after-progress: runs the first step (30 %), then ends Interrupted', async () => {
    const first = await started(s, FLOW.invoice, 'interrupted-after-progress');
    const final = (await pollUntil(s, first.id, { until: STABLE })).at(-1)!;
    expect(final).toMatchObject({ status: 'Interrupted', percentage: 30 });
    expect(final.message).toContain('flowmock scenario interrupted-after-progress');
    const e = await executionOf(s, first.id);
    expect(e.state.report![0].blocks.map((b) => [b.id, b.step?.status])).toEqual([['collect', 'Output'], ['flowmock-interrupt', 'Error']]);
    expect(documentsOf(e)).toEqual({});
  });

  it('error-at-50: ends Error when the percentage would reach 50, keeping 30; the percentage never showed 50 or more', async () => {
    const first = await started(s, FLOW.invoice, 'error-at-50');
    const seen = await pollUntil(s, first.id, { until: STABLE });
    expect(seen.at(-1)).toMatchObject({ status: 'Error', percentage: 30 });
    expect(seen.at(-1)!.message).toContain('would have reached 50%');
    expect(Math.max(...seen.map((p) => p.percentage))).toBeLessThan(50);
    // error-at-100: the Success at the end would be 100: Error instead, after the document.
    const late = await started(s, FLOW.invoice, 'error-at-100');
    expect((await pollUntil(s, late.id, { until: STABLE })).at(-1)).toMatchObject({ status: 'Error', percentage: 60 });
  });

  it('stuck: stays Running at its percentage, however long the clock moves on, until canceled; a long-poll on it waits its whole timeout', async () => {
    const first = await started(v, FLOW.invoice, 'stuck');
    await advance(v, 800); // the first step (collect, 800 ms) ends; the runner then stops at the hold
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 30, message: 'Collecting invoice data' });
    await advance(v, 24 * 3_600_000); // a day later (Invoice has no maximum duration): nothing changed
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 30, message: 'Collecting invoice data' });
    // The long-poll's timeout is real time (an HTTP wait): it answers, unchanged, once that second is over.
    const t0 = Date.now();
    expect(await progressOf(v, first.id, { timeout: 1 })).toMatchObject({ status: 'Running', percentage: 30 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    const canceled = await json<Progress>(await v.call(`/api/v1/flows/executions/${first.id}/progress`, { method: 'DELETE' }));
    expect(canceled).toMatchObject({ status: 'Canceled', percentage: 30 });
  });

  it('user-input: asks for a generic approval before the first document, even though the flow has no form; /start skips it', async () => {
    const first = await started(s, FLOW.invoice, 'user-input');
    const asking = (await pollUntil(s, first.id)).at(-1)!;
    expect(asking).toMatchObject({ status: 'UserInput', percentage: 60, model: { approved: true } });
    expect(asking.form!.map((f) => f.key)).toEqual(['approved', 'comment']);
    expect(asking.message).toContain('flowmock scenario user-input');
    const resumed = await s.call(`/api/v1/flows/executions/${first.id}/progress`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ approved: false, comment: 'checked' }),
    });
    expect((await json<Progress>(resumed)).status).toBe('Running');
    expect((await pollUntil(s, first.id, { until: STABLE })).at(-1)!.status).toBe('Success');
    const e = await executionOf(s, first.id);
    expect(e.state.stages).toHaveLength(2);
    expect(e.state.stages![1].input).toEqual({ approved: false, comment: 'checked' });

    const skipped = await started(s, FLOW.invoice, 'user-input', { skipUserInput: true });
    const seen = await pollUntil(s, skipped.id, { until: STABLE });
    expect(seen.map((p) => p.status)).not.toContain('UserInput');
    expect(seen.at(-1)!.status).toBe('Success');
  });

  it('waiting: waits for a callback before finishing, then ends Success', async () => {
    const first = await started(s, FLOW.invoice, 'waiting');
    const waiting = (await pollUntil(s, first.id)).at(-1)!;
    expect(waiting).toMatchObject({ status: 'Waiting', percentage: 100 });
    const e = await executionOf(s, first.id);
    const w = callbackOf(e);
    const res = await s.call(w.callbackUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' });
    expect(res.status).toBe(200);
    expect((await pollUntil(s, first.id, { until: STABLE })).at(-1)).toMatchObject({ status: 'Success', percentage: 100 });
  });

  it('document-missing: ends Success with the document in the model, but the document is a 404 (metadata and content)', async () => {
    const first = await started(s, FLOW.invoice, 'document-missing');
    const final = (await pollUntil(s, first.id, { until: STABLE })).at(-1)!;
    expect(final.status).toBe('Success');
    const doc = documentsOf(await executionOf(s, first.id)).invoice;
    expect(doc).toMatchObject({ displayName: 'Invoice.pdf', type: 'document' });
    await expectProblem(await s.call(`/api/v1/documents/${doc.id}`), 404);
    await expectProblem(await s.call(`/api/v1/documents/${doc.id}/content`), 404);
    await expectProblem(await s.call(`/api/v1/documents/content/${doc.id}`), 404);
  });
});

describe('flow scenarios on the virtual clock (speed 1)', () => {
  it('slow-success: every step takes 5 times as long (collect: 4 s instead of 0.8 s), then Success', async () => {
    const first = await started(v, FLOW.invoice, 'slow-success');
    await advance(v, 800 * 5 - 1);
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 0 });
    await advance(v, 1);
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 30, message: 'Calculating totals' });
    await advance(v, 600 * 5 + 1000 * 5);
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Success', percentage: 100 });
    const blocks = (await executionOf(v, first.id)).state.report![0].blocks;
    expect(blocks.map((b) => Date.parse(b.step!.end!) - Date.parse(b.step!.start!))).toEqual([4000, 3000, 5000]);
  });

  it('queued: answers Queued (with Retry-After) and stays Queued for 5 s of engine time, then runs to Success', async () => {
    const res = await startWith(v, FLOW.invoice, 'queued');
    const first = await json<Progress>(res);
    expect(first.status).toBe('Queued');
    expect(res.headers.get('retry-after')).toBe('1');
    await advance(v, 4999);
    expect((await progressOf(v, first.id, { timeout: 0 })).status).toBe('Queued');
    // Another execution meanwhile is not held up by the queued one.
    const other = await started(v, FLOW.invoice, null);
    expect(other.status).toBe('Running');
    await advance(v, 1);
    expect((await progressOf(v, first.id, { timeout: 0 })).status).toBe('Running');
    await advance(v, 2400);
    expect((await progressOf(v, first.id, { timeout: 0 })).status).toBe('Success');
    expect((await progressOf(v, other.id, { timeout: 0 })).status).toBe('Success');
  });

  it('stuck: stays Running until the maximum duration interrupts it (Slow report: 3 s)', async () => {
    const first = await started(v, FLOW.slow, 'stuck');
    await advance(v, 2500);
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Running', percentage: 25 });
    await advance(v, 499);
    expect((await progressOf(v, first.id, { timeout: 0 })).status).toBe('Running');
    await advance(v, 1);
    expect(await progressOf(v, first.id, { timeout: 0 })).toMatchObject({ status: 'Interrupted', percentage: 25 });
  });
});

describe('actionflow scenarios', () => {
  const customers = [1, 2, 3, 4].map((n) => ({ name: `C${n}`, email: `c${n}@example.com` }));

  it('partial-failure: every second record fails; the others are returned; the run is Fail', async () => {
    const res = await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: customers, headers: { Prefer: 'scenario=partial-failure' } });
    expect(res.headers.get('preference-applied')).toBe('scenario=partial-failure');
    const env = await envelopeOf(res, 200);
    expect(env.status).toBe('Fail');
    expect(env.message).toBe('2 of 4 records failed');
    expect(env.failures!.map((f) => f.index)).toEqual([1, 3]);
    expect(env.failures![0].message).toContain('flowmock scenario partial-failure');
    expect(env.data!.Customers.map((c: any) => c.name)).toEqual(['C1', 'C3']);
  });

  it('stop: stop() after the first record; Fail with that record in data', async () => {
    const env = await envelopeOf(await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: customers, headers: { Prefer: 'scenario=stop' } }), 200);
    expect(env).toMatchObject({ status: 'Fail', message: 'Stopped: stopped after the first record (flowmock scenario stop)' });
    expect(env.data!.Customers).toHaveLength(1);
  });

  it('timeout: a sync run outlasts its timeout: 504 with a Fail envelope; an async one answers 202 and finishes later (virtual clock)', async () => {
    const vToken = await tokenFor(v, 'api-user');
    // The scenario stalls twice the timeout (300 ms) before the first record; the timeout fires at 150 ms.
    const answer = call(v, triggerPath('Demo', 'Echo and enrich', '?timeout=150'), { token: vToken, json: customers, headers: { Prefer: 'scenario=timeout' } });
    await v.timersPending(2);
    await advance(v, 150);
    const res = await answer;
    const env = await envelopeOf(res, 504);
    expect(env.status).toBe('Fail');
    expect(env.message).toBe('Timed out after 150 ms; aborted after 0 of 4 records');
    expect(res.headers.get('preference-applied')).toBe('scenario=timeout');

    // Async: the 202 comes after the (real-time) 100 ms answer wait; the run stalls 200 ms, then its one record takes 500 ms.
    const async = await call(v, triggerPath('Demo', 'Long report', '?timeout=100'), { token: vToken, json: [{ q: 1 }], headers: { Prefer: 'scenario=timeout' } });
    const accepted = await envelopeOf(async, 202);
    expect(accepted.status).toBe('Running');
    const location = async.headers.get('location')!;
    await advance(v, 699);
    expect((await envelopeOf(await get(v, location, vToken), 200)).status).toBe('Running');
    await advance(v, 1);
    expect(await envelopeOf(await get(v, location, vToken), 200)).toMatchObject({ status: 'Success', message: 'Processed 1 record' });
  });
});

describe('default scenario in the definition', () => {
  let dir: string;
  let d: TestServer;
  const flowId = '22222222-2222-4222-8222-222222222201';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'flowmock-scenarios-'));
    writeFileSync(path.join(dir, 'flaky.yaml'), [
      'kind: flow', `id: ${flowId}`, 'displayName: Flaky', 'input: { kind: none }', 'scenario: error-at-50',
      'steps:', '  - { id: one, type: progress, durationMs: 10, percentage: 40 }', '  - { id: two, type: progress, durationMs: 10, percentage: 80 }',
    ].join('\n'));
    writeFileSync(path.join(dir, 'half.yaml'), [
      'kind: actionflow', 'application: Test', 'name: Half', 'mode: sync', 'allowAnonymous: true', 'scenario: partial-failure', 'output: { name: Out }',
    ].join('\n'));
    d = await startServer({ speed: 0, flowsDir: dir });
  });
  afterAll(async () => {
    await d?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a flow's scenario applies to every start; Prefer overrides it and scenario=none runs it as defined", async () => {
    const res = await startWith(d, flowId, null);
    expect(res.headers.get('preference-applied')).toBe('scenario=error-at-50');
    const byDefault = await json<Progress>(res);
    expect((await pollUntil(d, byDefault.id, { until: STABLE })).at(-1)).toMatchObject({ status: 'Error', percentage: 40 });
    const none = await started(d, flowId, 'none');
    expect((await pollUntil(d, none.id, { until: STABLE })).at(-1)).toMatchObject({ status: 'Success', percentage: 100 });
    const other = await started(d, flowId, 'interrupted-after-progress');
    expect((await pollUntil(d, other.id, { until: STABLE })).at(-1)).toMatchObject({ status: 'Interrupted', percentage: 40 });
  });

  it("an actionflow's scenario applies to every trigger; Prefer: scenario=none turns it off", async () => {
    const body = [{ a: 1 }, { a: 2 }];
    const byDefault = await envelopeOf(await call(d, triggerPath('Test', 'Half'), { json: body }), 200);
    expect(byDefault).toMatchObject({ status: 'Fail', failures: [{ index: 1 }] });
    const none = await envelopeOf(await call(d, triggerPath('Test', 'Half'), { json: body, headers: { Prefer: 'scenario=none' } }), 200);
    expect(none).toMatchObject({ status: 'Success', data: { Out: body } });
  });

  it('an unknown scenario in a definition is a load error naming the file, the field and the known names', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'flowmock-scenarios-bad-'));
    try {
      writeFileSync(path.join(bad, 'bad.yaml'), ['kind: flow', `id: ${flowId}`, 'displayName: Bad', 'input: { kind: none }', 'scenario: explode',
        'steps:', '  - { id: one, type: progress, durationMs: 0 }'].join('\n'));
      writeFileSync(path.join(bad, 'bad-af.yaml'), ['kind: actionflow', 'application: T', 'name: B', 'mode: sync', 'scenario: stuck', 'output: { name: O }'].join('\n'));
      const err = await loadDefinitions(bad).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(DefinitionError);
      const problems = (err as DefinitionError).problems.map((p) => [path.basename(p.file), p.pointer, p.rule]);
      expect(problems).toEqual(expect.arrayContaining([['bad.yaml', '/scenario', 'pattern'], ['bad-af.yaml', '/scenario', 'pattern']]));
      expect((err as DefinitionError).message).toContain('a flow scenario: none, slow-success');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
