/** Starts `prism mock` (or `prism proxy`) on a free loopback port and stops it again. */
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT, launch } from './process.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PrismProcess { base: string; pid: number; output: () => string; stop(): Promise<void> }

export async function startPrism(args: string[], timeoutMs = 30_000): Promise<PrismProcess> {
  const port = await freePort();
  const p = await launch(path.join(ROOT, 'node_modules', '.bin', 'prism'), [...args, '--port', String(port), '--host', '127.0.0.1'],
    { ready: /Prism is listening/, timeoutMs, killAfterMs: 3000 });
  return { base: `http://127.0.0.1:${port}`, pid: p.pid, output: p.output, stop: async () => { await p.stop(); } };
}
