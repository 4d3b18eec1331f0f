/**
 * The reference server for the fuzz test, in a child process of its own (started with
 * `node --expose-gc --import tsx`): an in-memory store, speed 0, response validation on (a reply
 * that breaks the spec becomes a 500, which the fuzz test counts as a failure), log level error.
 * It prints one line `fuzz server ready {json}` with its URL and keys, and answers the line
 * `mem` on stdin with `mem {json}`: heap figures after two full garbage collections. No endpoint
 * is added to the server for this.
 */
import { createInterface } from 'node:readline';
import { createApp } from '../../src/app.js';
import { RELIABILITY_ADMIN_KEY } from './support.js';

const fm = await createApp({
  db: ':memory:', port: 0, host: '127.0.0.1', speed: 0, maxConcurrent: 8, validateResponses: true,
  printStartup: false, logLevel: 'error', adminKey: RELIABILITY_ADMIN_KEY,
});
const base = await fm.listen();
const integratorKey = fm.seed.newKeys.find((k) => k.username === 'integrator')?.key ?? '';
console.log(`fuzz server ready ${JSON.stringify({ base, adminKey: RELIABILITY_ADMIN_KEY, integratorKey })}`);

const gc = (globalThis as { gc?: () => void }).gc;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'mem') return;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  console.log(`mem ${JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, external: m.external, gc: Boolean(gc) })}`);
});

const stop = () => void fm.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
