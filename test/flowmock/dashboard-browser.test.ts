/**
 * The dashboard in a real browser (playwright-core driving Debian's Chromium, headless): enter
 * the admin key in the form, start a flow through the API, and watch its <progress> advance
 * through the Server-Sent Events stream, with a screenshot at two moments (in a temp dir).
 * FLOWMOCK_UPDATE_SCREENSHOT=1 also writes docs/dashboard.png for the README.
 * Skips, saying why, when /usr/bin/chromium is not installed (`apt-get install chromium`).
 */
import { existsSync, mkdtempSync, statSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from '../support/server.js';
import { waitFor as waitForAny } from '../support/wait.js';
import { FLOW, startFlow } from '../smartflows/helpers.js';
import { call, triggerPath } from '../phixflow/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const UPDATE_SCREENSHOT = process.env.FLOWMOCK_UPDATE_SCREENSHOT === '1';

let s: TestServer | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const progressOf = (page: Page, id: string) => page.locator(`#exec-${id} progress`).evaluate((el) => (el as unknown as { value: number }).value);

/** Polls `read` until `ok` holds for its value; returns the value (test/support/wait.ts underneath). */
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const got = await waitForAny(what, async () => {
    const v = await read().catch(() => undefined);
    return v !== undefined && ok(v) ? { v } : undefined;
  }, { timeoutMs, intervalMs: 50 });
  return got.v;
}

describe('dashboard in Chromium', () => {
  it('shows a running flow whose progress bar advances live', { timeout: 90_000 }, async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      ctx.skip(`${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the dashboard browser test`);
      return;
    }
    s = await startServer({ speed: 2 }); // steps take twice their time: Invoice runs for about 5 s
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(s!.base)) external.push(r.url());
    });
    const shots = mkdtempSync(path.join(tmpdir(), 'flowmock-dashboard-'));

    // Some traffic first, so the journal and the client report have something to show.
    expect((await call(s, triggerPath('Demo', 'Public ping'))).status).toBe(200);
    const esign = await startFlow(s, FLOW.esign);
    expect((await s.call('/api/v1/flows/executions/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    await page.goto(`${s.base}/__flowmock/`);
    await expect(page.title()).resolves.toBe('flowmock dashboard');
    await page.getByLabel('Admin API key').fill(s.adminKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#key-status').textContent()).toContain(`…${s.adminKey.slice(-4)}`);
    expect(await page.locator(`#exec-${esign.id}`).count()).toBe(1);
    expect(await page.locator('#processes tr').count()).toBe(1);

    const run = await startFlow(s, FLOW.invoice);
    const row = page.locator(`#exec-${run.id}`);
    await row.waitFor({ timeout: 10_000 });
    const first = await waitFor('the progress to start', () => progressOf(page, run.id), (v) => v > 0 && v < 100);
    expect(await row.locator('.status').textContent()).toBe('Running');
    const shot1 = path.join(shots, '1-running.png');
    await page.screenshot({ path: shot1 });

    const second = await waitFor('the progress to advance', () => progressOf(page, run.id), (v) => v > first && v < 100);
    expect(second).toBeGreaterThan(first);
    expect(await row.locator('[data-role=pct]').textContent()).toBe(`${second}%`);
    const shot2 = path.join(shots, '2-advanced.png');
    await page.screenshot({ path: shot2 });
    for (const f of [shot1, shot2]) expect(statSync(f).size).toBeGreaterThan(10_000);

    await waitFor('Success', () => row.locator('.status').textContent(), (t) => t === 'Success');
    expect(await progressOf(page, run.id)).toBe(100);
    await row.getByRole('link', { name: /\.pdf$/ }).waitFor();
    // The journal and the report follow the traffic (the dashboard's own requests are not in them).
    await waitFor('the journal to show the start', () => page.locator('#requests').textContent(), (t) => !!t?.includes('ExecuteFlow'));
    await waitFor('the report to list the integrator', () => page.locator('#report').textContent(), (t) => !!t?.includes('integrator'));
    expect(await page.locator('#requests').textContent()).not.toContain('/__flowmock/executions');
    expect(external).toEqual([]);

    if (UPDATE_SCREENSHOT) {
      // The README picture: a run mid-way polled far too often, a document fetched too early (409),
      // next to the finished run and the waiting one.
      const another = await startFlow(s, FLOW.invoice);
      for (let i = 0; i < 6; i++) {
        await s.call(`/api/v1/flows/executions/${another.id}/progress?timeout=0`);
        await new Promise((r) => setTimeout(r, 40));
      }
      const contract = await page.locator(`#exec-${esign.id} a`).getAttribute('href');
      expect((await s.call(contract!)).status).toBe(409);
      await waitFor('a second run mid-way', () => progressOf(page, another.id), (v) => v >= 30 && v < 100);
      await waitFor('the report to flag the polling', () => page.locator('#report').textContent(), (t) => /1 of \d+ executions/.test(t ?? ''));
      mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
      const out = path.join(shots, 'readme.png');
      await page.screenshot({ path: out, fullPage: true });
      copyFileSync(out, path.join(ROOT, 'docs', 'dashboard.png'));
    }
    console.log(`dashboard screenshots: ${shots} (progress ${first}% then ${second}%)`);
  });
});
