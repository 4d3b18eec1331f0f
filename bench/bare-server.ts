/**
 * The baseline: a bare Express 5 app on loopback that answers the benchmark's two requests with
 * the same JSON the reference server gives (env BARE_PROGRESS, BARE_ENVELOPE), without routing
 * from the spec, auth, validation, a store or logging. It parses the JSON body it is sent, as any
 * server must.
 */
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

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`bare listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
