/**
 * The dashboard's data: GET /__flowmock/executions and /__flowmock/processes, the SSE stream
 * GET /__flowmock/events, and the page itself (served outside the spec, no external resources).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { settled } from '../support/wait.js';
import { FLOW, pollUntil, startFlow } from '../smartflows/helpers.js';
import { call, tokenFor, triggerPath } from '../phixflow/helpers.js';
import { json, type ExecutionOverviewPage, type ProcessOverviewPage } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ speed: 0.5 });
});
afterAll(async () => {
  await s?.close();
});

interface SseEvent { event: string; data: any }

/** Reads an event stream until `stop` says so or it ends; returns the events. */
async function readEvents(res: Response, stop: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
    if (stop(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}

describe('dashboard data', () => {
  it('GET /__flowmock/executions lists every user\'s executions, newest first, with progress, stages and document links', async () => {
    const mine = await startFlow(s, FLOW.invoice);
    const admins = await startFlow(s, FLOW.invoice, { key: s.adminKey });
    await pollUntil(s, mine.id, { until: ['Success'] });
    const page = await json<ExecutionOverviewPage>(await s.call('/__flowmock/executions?size=2', { key: s.adminKey }));
    expect(page.content.map((e) => e.id)).toEqual([admins.id, mine.id]);
    const done = page.content[1];
    expect(done).toMatchObject({ flow: { id: FLOW.invoice, displayName: 'Invoice' }, status: 'Success', percentage: 100, stages: 1, createdBy: { displayName: 'integrator' } });
    expect(done.documents).toHaveLength(1);
    const pdf = await s.call(done.documents[0].contentUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('GET /__flowmock/processes lists actionflow runs with their caller and records done', async () => {
    const token = await tokenFor(s, 'api-user');
    expect((await call(s, triggerPath('Demo', 'Echo and enrich'), { token, json: [{ name: 'A', email: 'a@example.com' }, { name: 'B', email: 'b@example.com' }] })).status).toBe(200);
    expect((await call(s, triggerPath('Demo', 'Public ping'))).status).toBe(200);
    const page = await json<ProcessOverviewPage>(await s.call('/__flowmock/processes?size=5', { key: s.adminKey }));
    expect(page.content.slice(0, 2)).toMatchObject([
      { application: 'Demo', actionflow: 'Public ping', status: 'Success', user: null, httpStatus: 200 },
      { application: 'Demo', actionflow: 'Echo and enrich', status: 'Success', user: 'api-user', recordsDone: 2 },
    ]);
  });

  it('GET /__flowmock/events streams execution changes as they happen, then requests, and ends after timeout', async () => {
    const res = await s.call('/__flowmock/events?timeout=120', { key: s.adminKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let id = '';
    const reading = readEvents(res, (events) => {
      if (events.length === 1 && !id) {
        // Connected: start a flow now.
        startFlow(s, FLOW.invoice).then((p) => { id = p.id; }, () => undefined);
      }
      return events.some((e) => e.event === 'execution' && e.data.id === id && e.data.status === 'Success');
    });
    // As they happen: a stream that sent them only at its end would take its 120 s, far past the hang limit.
    const events = await settled('the execution events', reading);
    expect(events[0]).toEqual({ event: 'ready', data: { timeout: 120 } });
    const mine = events.filter((e) => e.event === 'execution' && e.data.id === id).map((e) => e.data);
    const percentages = mine.map((e) => e.percentage);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(new Set(percentages).size).toBeGreaterThanOrEqual(3); // it moved while we watched
    expect(mine.at(-1)).toMatchObject({ status: 'Success', percentage: 100, documents: [expect.objectContaining({ displayName: expect.any(String) })] });
    expect(events.some((e) => e.event === 'requests' && e.data.latestId > 0)).toBe(true);
  });

  it('GET /__flowmock/events streams actionflow runs too', async () => {
    const res = await s.call('/__flowmock/events?timeout=120', { key: s.adminKey });
    let triggered = false;
    const events = await readEvents(res, (evs) => {
      if (evs.length === 1 && !triggered) {
        triggered = true;
        void call(s, triggerPath('Demo', 'Public ping'));
      }
      return evs.some((e) => e.event === 'process');
    });
    expect(events.find((e) => e.event === 'process')!.data).toMatchObject({ application: 'Demo', actionflow: 'Public ping', status: 'Success', user: null });
  });

  it('without timeout the stream lasts 5 s (a short default for Dredd and Newman), announced in ready', async () => {
    const res = await s.call('/__flowmock/events', { key: s.adminKey });
    expect(res.status).toBe(200);
    const events = await readEvents(res, (evs) => evs.length >= 1);
    expect(events[0]).toEqual({ event: 'ready', data: { timeout: 5 } });
  });

  it('timeout=0 answers ready and ends; the stream ends by itself after timeout seconds', async () => {
    const once = await s.call('/__flowmock/events?timeout=0', { key: s.adminKey });
    expect(await once.text()).toBe('retry: 1000\n\nevent: ready\ndata: {"timeout":0}\n\n');
    const t0 = Date.now();
    const short = await s.call('/__flowmock/events?timeout=1', { key: s.adminKey });
    await short.text();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect((await s.call('/__flowmock/events?timeout=3601', { key: s.adminKey })).status).toBe(400);
  });

  it('serves the page, its script and style with no external resources', async () => {
    const page = await fetch(`${s.base}/__flowmock/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/__flowmock/dashboard.js"></script>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toMatch(/<label for="api-key">/);
    expect(html).toContain('aria-live="polite"');
    const bare = await fetch(`${s.base}/__flowmock`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/__flowmock/');
    for (const [file, type] of [['dashboard.js', /^text\/javascript/], ['dashboard.css', /^text\/css/]] as const) {
      const res = await fetch(`${s.base}/__flowmock/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(await res.text()).not.toMatch(/https?:\/\//);
    }
  });
});
