/**
 * The baseline: a bare Express 5 app on loopback that answers the benchmark's requests with
 * the same bytes the reference server gives (env BARE_PROGRESS, BARE_ENVELOPE for workloads 1
 * and 2; the routes in the JSON file BARE_ROUTES_FILE for the later ones: method, Express path,
 * status, headers, body as base64), without routing from the spec, auth, validation, a store or
 * logging. It parses the JSON body it is sent, as any server must.
 */
import { readFileSync } from 'node:fs';
import express from 'express';
import type { AddressInfo } from 'node:net';

const progress = process.env.BARE_PROGRESS ?? '{}';
const envelope = process.env.BARE_ENVELOPE ?? '{}';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/api/v1/flows/executions/:execution/progress', (_req, res) => {
  res.type('application/json').send(progress);
});
app.post('/phixflow/api/1/action/:application/:actionflow/trigger', express.json({ limit: '1mb' }), (_req, res) => {
  res.type('application/json').send(envelope);
});

interface Route { method: 'GET' | 'POST'; path: string; status: number; headers: Record<string, string>; body: string }
const routes = process.env.BARE_ROUTES_FILE ? JSON.parse(readFileSync(process.env.BARE_ROUTES_FILE, 'utf8')) as Route[] : [];
for (const r of routes) {
  const bytes = Buffer.from(r.body, 'base64');
  const send = (_req: express.Request, res: express.Response) => { res.status(r.status).set(r.headers).send(bytes); };
  if (r.method === 'POST') app.post(r.path, express.json({ limit: '1mb' }), send);
  else app.get(r.path, send);
}

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`bare listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
