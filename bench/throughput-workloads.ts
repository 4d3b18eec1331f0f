/**
 * Bench workloads 7-10 (issue 17): the throughput workloads besides workloads 1 and 2, each side by
 * side with Prism's mock of the same operation and a bare Express app returning the same bytes.
 *
 *   7. GET /api/v1/flows/executions?filter=status:Error&sort=createdAt,desc&size=20 with
 *      `stored` (100,000) executions in the store (GetAllFlowExecutions: the vendor's query filter,
 *      `contains`, case-insensitive; one in ten stored executions is Error).
 *   8. The PhixFlow "Poll for result" run: POST trigger of the async demo actionflow (Long report,
 *      one record) answered 202 with its processId, then GET its status (Running: the record takes
 *      0.5 s), and again. The server runs with `--phixflow-async-timeout 0`, so the trigger answers
 *      at once instead of after 500 ms of idle waiting (which would only measure the wait).
 *   9. GET /api/v1/documents/{id}/content of a stored ~100 KB PDF (a document of a finished execution).
 *  10. GET /api/v1/templates?filter=description:letter&sort=displayName,desc&size=20 (the resource
 *      engine's list of a regular collection) with `templates` (1,000) templates stored.
 *
 * Set-up: one `flowmock serve` on a new SQLite file makes what needs the API (a finished invoice
 * execution to copy); it is stopped, the executions, templates and the PDF are written directly
 * through the store API (src/store, in transactions of 5,000: seconds, not 100,000 HTTP calls),
 * then the measured server starts on that file. Each answer is probed once first: the bare
 * Express baseline answers with exactly those bytes, status and content headers.
 *
 * Every measure: autocannon, `connections` connections, warm-up then `duration` s; the server's
 * user + system CPU during the measure per request; the 1-minute load average at its start and
 * end. Rounds interleave the three servers, so that load from other work falls on all alike.
 * Each workload writes its own section of latest.md / key of latest.json (saveSection).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/store/sqlite-store.js';
import type { ExecutionRecord, ExecutionStatus } from '../src/store/types.js';
import { startPrism, type PrismProcess } from '../test/support/prism.js';
import {
  BENCH_ADMIN_KEY, cannon, saveSection, startBare, startFlowmock, type BareRoute, type CannonRequest, type CannonResult, type Child, type SectionWorkload,
} from './lib.js';

const INVOICE = '11111111-1111-4111-8111-111111111101';
const ASYNC_FLOW = '/phixflow/api/1/action/Demo/Long%20report';
/** The spec's example processId: what a status URL names when the trigger's answer has none (Prism). */
const EXAMPLE_PROCESS_ID = '3f2b8c1e-5d4a-4b7e-9c21-7a6d0e8f4b13';
const adminHeaders = { 'X-API-Key': BENCH_ADMIN_KEY };
const load1 = () => Number(os.loadavg()[0].toFixed(2));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };

export const THROUGHPUT_WORKLOADS = [7, 8, 9, 10] as const;
type Target = 'reference' | 'prism' | 'bare';

export interface ThroughputOptions {
  workloads: Set<number>;
  duration: number; warmup: number; connections: number; rounds: number;
  targets: Target[];
  /** Executions stored for workload 7. */
  stored: number;
  /** Templates stored for workload 10. */
  templates: number;
  nodeArgs: string[];
  log: (...a: unknown[]) => void;
}

export interface ThroughputRow {
  workload: number; target: Target; round: number; result: CannonResult;
  /** User + system time of the server process during the measure, per request answered. */
  cpuUsPerRequest: number;
  loadStart: number; loadEnd: number;
}

export interface ThroughputResult {
  n: SectionWorkload; name: string; date: string; loadAverage: string; loadAverageEnd: string;
  options: Omit<ThroughputOptions, 'log' | 'workloads' | 'nodeArgs'>;
  /** What the set-up made: stored counts, the PDF's size. */
  setup: Record<string, number>;
  /** What the answers were (status, size). */
  note: string;
  /** Whether the p99 target (< 20 ms) applies: polls, lists and downloads. */
  p99Target: boolean;
  rows: ThroughputRow[];
}

interface Workload {
  n: SectionWorkload; name: string;
  /** The p99 target (< 20 ms) applies: polls, lists and downloads. */
  p99Target: boolean;
  /** One request (GET/POST) or a sequence per connection. */
  request: (target: Target) => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string } | { sequence: CannonRequest[] };
  bare: BareRoute[];
  note: string;
}

/** utime + stime of a process in seconds (Linux /proc). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function must(res: Response): Promise<Response> {
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${(await res.text()).slice(0, 500)}`);
  return res;
}

/** Asks flowmock once and turns its answer into the bare baseline's route: same status, content headers and bytes. */
async function probe(base: string, method: 'GET' | 'POST', urlPath: string, expressPath: string, headers: Record<string, string>, body?: string): Promise<{ route: BareRoute; text: string; status: number }> {
  const res = await fetch(base + urlPath, { method, headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status >= 300) throw new Error(`probe ${method} ${urlPath}: ${res.status} ${bytes.toString('utf8').slice(0, 500)}`);
  const kept: Record<string, string> = {};
  for (const h of ['content-type', 'content-disposition', 'location', 'x-total-count', 'retry-after']) {
    const v = res.headers.get(h);
    if (v !== null) kept[h] = v;
  }
  return { route: { method, path: expressPath, status: res.status, headers: kept, body: bytes }, text: bytes.toString('utf8'), status: res.status };
}

/** One finished invoice execution (its record is the copy the store is filled with). */
async function finishedInvoice(base: string): Promise<string> {
  const started = await (await must(await fetch(`${base}/api/v1/flows/executions/start?flow=${INVOICE}`, { method: 'POST', headers: adminHeaders }))).json() as { id: string };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const p = await (await must(await fetch(`${base}/api/v1/flows/executions/${started.id}/progress?timeout=5`, { headers: adminHeaders }))).json() as { status: string };
    if (p.status === 'Success') return started.id;
  }
  throw new Error('the invoice execution did not finish');
}

/**
 * A real PDF (pdf-lib, text pages like a report) of at least `bytes`: CreateDocument caps what it
 * prints (2,000 characters a value, 500 lines), so the ~100 KB document is made here and stored
 * with the invoice execution, as a flow's output is.
 */
async function reportPdf(bytes: number): Promise<Buffer> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  let pages = 10;
  for (let attempt = 0; attempt < 6; attempt++) {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let p = 0; p < pages; p++) {
      const page = doc.addPage([595, 842]);
      for (let l = 0; l < 60; l++) {
        const i = p * 60 + l;
        page.drawText(`Line ${i + 1}: invoice ${100000 + i}, customer ${i % 97}, amount ${(i * 37) % 10000}.${i % 100} EUR`, { x: 40, y: 800 - l * 12.5, size: 9, font });
      }
    }
    const out = Buffer.from(await doc.save());
    if (out.length >= bytes) return out;
    pages = Math.ceil(pages * (bytes / out.length) * 1.05);
  }
  throw new Error(`no PDF of ${bytes} bytes could be made`);
}

/**
 * Writes `total` executions (copies of `templateId`, one in ten Error), `templates` templates and
 * the PDF (a document of the execution `templateId`) straight through the store API.
 */
async function seed(dbFile: string, templateId: string, total: number, templates: number, pdf: { id: string; bytes: Buffer } | null): Promise<void> {
  const store = openStore(dbFile);
  try {
    const tpl = await store.executions.byId(templateId);
    if (!tpl) throw new Error(`execution ${templateId} is not in ${dbFile}`);
    if (pdf) {
      await store.documents.insert({
        id: pdf.id, executionId: tpl.id, displayName: 'Bench report.pdf', description: null, createdAt: tpl.modifiedAt, createdBy: tpl.createdBy,
        templateId: null, language: null, finished: true, expiration: null, contentType: 'application/pdf', size: pdf.bytes.length, source: null,
      }, pdf.bytes);
    }
    const have = await store.executions.count();
    const base = Date.parse(tpl.createdAt);
    const BATCH = 5000;
    for (let from = have; from < total; from += BATCH) {
      await store.transaction(async (tx) => {
        for (let i = from; i < Math.min(total, from + BATCH); i++) {
          const status: ExecutionStatus = i % 10 === 0 ? 'Error' : 'Success';
          const at = new Date(base - (i + 1) * 1000).toISOString();
          const copy: ExecutionRecord = {
            ...structuredClone(tpl), id: randomUUID(), status, createdAt: at, modifiedAt: at, version: 1, queueSeq: null,
            progress: { ...tpl.progress, status },
          };
          await tx.executions.insert(copy);
        }
      });
    }
    const haveTemplates = await store.resources.count('template');
    await store.transaction(async (tx) => {
      for (let i = haveTemplates; i < templates; i++) {
        const at = new Date(base - i * 1000).toISOString();
        await tx.resources.insert({
          type: 'template', id: randomUUID(), createdAt: at, createdBy: tpl.createdBy, modifiedAt: at, modifiedBy: tpl.createdBy,
          body: {
            type: 'standard', displayName: `Bench template ${String(i).padStart(5, '0')}`,
            description: i % 10 === 0 ? `Letter ${i} to the customers of region ${i % 7}` : `Invoice layout ${i} for region ${i % 7}`,
          },
        });
      }
    });
  } finally {
    await store.close();
  }
}

async function measure(w: Workload, target: Target, base: string, pid: number, round: number, o: ThroughputOptions): Promise<ThroughputRow> {
  const req = w.request(target);
  let cpu0 = NaN;
  let loadStart = NaN;
  const result = await cannon({
    url: base + ('sequence' in req ? '/' : req.path),
    ...('sequence' in req ? { requests: req.sequence } : { method: req.method, headers: req.headers, body: req.body }),
    connections: o.connections, duration: o.duration, warmup: o.warmup,
    onMeasureStart: () => { cpu0 = cpuSecondsOf(pid); loadStart = load1(); },
  });
  const cpuUsPerRequest = ((cpuSecondsOf(pid) - cpu0) * 1e6) / result.requests;
  const row: ThroughputRow = { workload: w.n, target, round, result, cpuUsPerRequest, loadStart, loadEnd: load1() };
  o.log(`  ${target}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, server CPU ${cpuUsPerRequest.toFixed(0)} µs/request, `
    + `statuses ${JSON.stringify(result.statusCodes)}, errors ${result.errors}, load ${row.loadStart}→${row.loadEnd}`);
  return row;
}

export async function throughputWorkloads(tmp: string, o: ThroughputOptions): Promise<ThroughputResult[]> {
  const wanted = THROUGHPUT_WORKLOADS.filter((n) => o.workloads.has(n));
  if (!wanted.length) return [];
  const date = new Date().toISOString();
  const loadAverage = os.loadavg().map((n) => n.toFixed(2)).join(' ');
  const db = path.join(tmp, 'throughput.db');
  const setup: Record<string, number> = {};

  // What needs the API, on a first server: the execution to copy (the collections' seeds are written too).
  let invoiceId = '';
  {
    const first = await startFlowmock({ db, speed: 0 });
    try {
      invoiceId = await finishedInvoice(first.base);
    } finally {
      await first.stop();
    }
  }
  const pdfId = randomUUID();
  const pdf = o.workloads.has(9) ? { id: pdfId, bytes: await reportPdf(100 * 1024) } : null;
  if (pdf) setup.pdfBytes = pdf.bytes.length;
  const t0 = performance.now();
  await seed(db, invoiceId, o.workloads.has(7) ? o.stored : 0, o.workloads.has(10) ? o.templates : 0, pdf);
  setup.seedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  if (o.workloads.has(7)) setup.executionsStored = o.stored;
  if (o.workloads.has(10)) setup.templatesStored = o.templates;
  o.log(`workloads ${wanted.join(', ')}: store seeded in ${setup.seedSeconds} s (${JSON.stringify(setup)})`);

  let ref: Child | null = null;
  let prism: PrismProcess | null = null;
  let bare: Child | null = null;
  const results: ThroughputResult[] = [];
  try {
    ref = await startFlowmock({ db, speed: 0, nodeArgs: o.nodeArgs, extraArgs: ['--phixflow-async-timeout', '0'] });
    const { token } = await (await must(await fetch(`${ref.base}/__flowmock/phixflow/tokens`, {
      method: 'POST', headers: { ...adminHeaders, 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'api-user' }),
    }))).json() as { token: string };
    const bearer = { Authorization: `Bearer ${token}` };

    const LIST = '/api/v1/flows/executions?filter=status:Error&sort=createdAt,desc&size=20';
    const TEMPLATES = '/api/v1/templates?filter=description:letter&sort=displayName,desc&size=20';
    const ASYNC_BODY = JSON.stringify([{ customer: 'ACME', amount: 100 }]);
    const all: Workload[] = [];
    if (o.workloads.has(7)) {
      const p = await probe(ref.base, 'GET', LIST, '/api/v1/flows/executions', adminHeaders);
      if ((JSON.parse(p.text) as unknown[]).length !== 20) throw new Error(`workload 7: the list has not 20 executions: ${p.text.slice(0, 300)}`);
      all.push({
        n: 7, name: `GET executions, filter status:Error, sort createdAt desc, 20 of ${o.stored.toLocaleString('en-US')} stored`, p99Target: true,
        request: () => ({ method: 'GET', path: LIST, headers: adminHeaders }), bare: [p.route],
        note: `X-Total-Count ${p.route.headers['x-total-count']}; ${p.route.body.length.toLocaleString('en-US')} bytes per answer`,
      });
    }
    if (o.workloads.has(8)) {
      const headers = { ...bearer, 'Content-Type': 'application/json' };
      const trig = await probe(ref.base, 'POST', `${ASYNC_FLOW}/trigger`, '/phixflow/api/1/action/:application/:actionflow/trigger', headers, ASYNC_BODY);
      if (trig.status !== 202) throw new Error(`workload 8: the async trigger answered ${trig.status}, not 202: ${trig.text.slice(0, 300)}`);
      const processId = (JSON.parse(trig.text) as { processId: string }).processId;
      const status = await probe(ref.base, 'GET', `${ASYNC_FLOW}/status/${processId}`, '/phixflow/api/1/action/:application/:actionflow/status/:processId', bearer);
      all.push({
        n: 8, name: 'POST async trigger (202) + GET its status (Running), 1 record', p99Target: false,
        request: () => ({
          sequence: [
            {
              method: 'POST', path: `${ASYNC_FLOW}/trigger`, headers, body: ASYNC_BODY,
              onResponse: (_status, body, context) => {
                try { context.processId = (JSON.parse(body) as { processId?: string }).processId; } catch { context.processId = undefined; }
              },
            },
            {
              method: 'GET', headers: bearer,
              setupRequest: (r, context) => ({ ...r, path: `${ASYNC_FLOW}/status/${typeof context.processId === 'string' ? context.processId : EXAMPLE_PROCESS_ID}` }),
            },
          ],
        }),
        bare: [trig.route, status.route],
        note: `trigger ${trig.status} (${trig.route.body.length} bytes), status ${status.status} (${status.route.body.length} bytes, ${(JSON.parse(status.text) as { status: string }).status}); requests/s and CPU count both requests`,
      });
    }
    if (o.workloads.has(9)) {
      const p = await probe(ref.base, 'GET', `/api/v1/documents/${pdfId}/content`, '/api/v1/documents/:documentId/content', adminHeaders);
      all.push({
        n: 9, name: `GET document content (${Math.round(p.route.body.length / 1024)} KB PDF)`, p99Target: true,
        request: (t) => ({ method: 'GET', path: `/api/v1/documents/${t === 'prism' ? '3b1f0c2e-7d4a-4e6b-9a8c-1d2e3f4a5b6c' : pdfId}/content`, headers: adminHeaders }),
        bare: [p.route], note: `${p.route.headers['content-type']}, ${p.route.body.length.toLocaleString('en-US')} bytes`,
      });
    }
    if (o.workloads.has(10)) {
      const p = await probe(ref.base, 'GET', TEMPLATES, '/api/v1/templates', adminHeaders);
      if ((JSON.parse(p.text) as unknown[]).length !== 20) throw new Error(`workload 10: the list has not 20 templates: ${p.text.slice(0, 300)}`);
      all.push({
        n: 10, name: `GET templates, filter description:letter, sort displayName desc, 20 of ${o.templates.toLocaleString('en-US')} stored`, p99Target: true,
        request: () => ({ method: 'GET', path: TEMPLATES, headers: adminHeaders }), bare: [p.route],
        note: `X-Total-Count ${p.route.headers['x-total-count'] ?? '–'}; ${p.route.body.length.toLocaleString('en-US')} bytes per answer`,
      });
    }

    if (o.targets.includes('prism')) prism = await startPrism(['mock', 'generated/openapi.json']);
    if (o.targets.includes('bare')) bare = await startBare({ progress: '{}', envelope: '{}' }, all.flatMap((w) => w.bare), tmp);
    const servers: Record<Target, { base: string; pid: number } | null> = {
      reference: ref, prism: prism ? { base: prism.base, pid: prism.pid } : null, bare,
    };

    for (const w of all) {
      const rows: ThroughputRow[] = [];
      for (let round = 1; round <= o.rounds; round++) {
        for (const target of o.targets) {
          const s = servers[target];
          if (!s) continue;
          o.log(`workload ${w.n} (${w.name}), ${target}, round ${round}`);
          rows.push(await measure(w, target, s.base, s.pid, round, o));
        }
      }
      results.push({
        n: w.n, name: w.name, date, loadAverage, loadAverageEnd: os.loadavg().map((n) => n.toFixed(2)).join(' '),
        options: { duration: o.duration, warmup: o.warmup, connections: o.connections, rounds: o.rounds, targets: o.targets, stored: o.stored, templates: o.templates },
        setup, note: w.note, p99Target: w.p99Target, rows,
      });
    }
  } finally {
    await Promise.all([ref?.stop(), prism?.stop(), bare?.stop()]);
  }
  return results;
}

export function summariseThroughput(r: ThroughputResult) {
  const of = (t: Target) => {
    const mine = r.rows.filter((x) => x.target === t);
    if (!mine.length) return null;
    return {
      rps: median(mine.map((x) => x.result.rps)), p50: median(mine.map((x) => x.result.p50)), p99: median(mine.map((x) => x.result.p99)),
      cpuUsPerRequest: median(mine.map((x) => x.cpuUsPerRequest)),
      non2xx: mine.reduce((n, x) => n + x.result.non2xx, 0), errors: mine.reduce((n, x) => n + x.result.errors, 0),
      load: mine.map((x) => `${x.loadStart}→${x.loadEnd}`).join(', '),
    };
  };
  const reference = of('reference'), prism = of('prism'), bare = of('bare');
  return {
    reference, prism, bare,
    ratioPrism: reference && prism ? reference.rps / prism.rps : NaN,
    ratioBare: reference && bare ? reference.rps / bare.rps : NaN,
    cpuRatioPrism: reference && prism ? prism.cpuUsPerRequest / reference.cpuUsPerRequest : NaN,
    cpuRatioBare: reference && bare ? bare.cpuUsPerRequest / reference.cpuUsPerRequest : NaN,
  };
}

export function throughputMarkdown(r: ThroughputResult): string {
  const s = summariseThroughput(r);
  const ok = (b: boolean) => (b ? 'met' : '**not met**');
  const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
  const f2 = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(2));
  const lines = [
    `<!-- bench:workload-${r.n} -->`,
    `${r.n}. ${r.name} (${r.date.slice(0, 10)}; load average ${r.loadAverage} at the start of workloads 7-10, ${r.loadAverageEnd} after this one; 2 shared cores: read the ratios). `
      + `autocannon, ${r.options.connections} connections, ${r.options.duration} s after a ${r.options.warmup} s warm-up, ${r.options.rounds} round${r.options.rounds > 1 ? 's interleaved (medians)' : ''}; `
      + 'flowmock as `flowmock serve` (file-backed SQLite, auth and request validation on, log level warn), Prism as `prism mock generated/openapi.json` (its example answer), '
      + `bare Express answering flowmock's bytes. ${r.note}.`,
    '',
    '| server | req/s | p50 ms | p99 ms | server CPU µs/request | non-2xx | errors | load 1 min (start→end) |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const [name, x] of [['flowmock', s.reference], ['Prism mock', s.prism], ['bare Express', s.bare]] as const) {
    if (x) lines.push(`| ${name} | ${f0(x.rps)} | ${x.p50} | ${x.p99} | ${f0(x.cpuUsPerRequest)} | ${x.non2xx} | ${x.errors} | ${x.load} |`);
  }
  lines.push('',
    '| flowmock / Prism by req/s (target ≥ 3) | by CPU per request | flowmock / bare Express by req/s (target ≥ 0.5) | by CPU per request | flowmock p99 (target < 20 ms) |',
    '|---:|---:|---:|---:|---:|',
    `| ${f2(s.ratioPrism)}${Number.isNaN(s.ratioPrism) ? '' : ` (${ok(s.ratioPrism >= 3)})`} | ${f2(s.cpuRatioPrism)}${Number.isNaN(s.cpuRatioPrism) ? '' : ` (${ok(s.cpuRatioPrism >= 3)})`} `
      + `| ${f2(s.ratioBare)}${Number.isNaN(s.ratioBare) ? '' : ` (${ok(s.ratioBare >= 0.5)})`} | ${f2(s.cpuRatioBare)}${Number.isNaN(s.cpuRatioBare) ? '' : ` (${ok(s.cpuRatioBare >= 0.5)})`} `
      + `| ${s.reference ? `${s.reference.p99} ms${r.p99Target ? ` (${ok(s.reference.p99 < 20)})` : ' (no target: a trigger)'}` : '–'} |`,
    '',
    `Run it: \`npm run bench -- --workloads ${r.n}\` (options: \`--duration\`, \`--warmup\`, \`--connections\`, \`--rounds\`, \`--targets\`, \`--list-stored\`, \`--templates\`, \`--cpu-prof\`).`,
    `<!-- /bench:workload-${r.n} -->`, '');
  return lines.join('\n');
}

export function saveThroughput(outDir: string, r: ThroughputResult): string {
  return saveSection(outDir, r.n, throughputMarkdown(r), { summary: summariseThroughput(r), raw: r });
}
