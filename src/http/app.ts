/**
 * `createApp(config)`: the Express app of the reference server. Everything under the spec's paths
 * goes through the spec-driven dispatcher; around it sit request ids and logging, CORS, the body
 * limit, the spec itself (/openapi.json, /openapi.yaml) and Swagger UI (/swagger-ui/).
 */
import express, { type Request, type Response, type NextFunction } from 'express';
// Only the path helper: the package's main module evaluates the 1.5 MB browser bundle in Node
// (about 20 MB of memory and start-up time for nothing; the files are served from disk).
import getSwaggerUiPath from 'swagger-ui-dist/absolute-path.js';
import type { Logger } from 'pino';
import type { FlowmockConfig } from '../config.js';
import { sendProblem } from './dispatch.js';
import { corsMiddleware } from './cors.js';
import { faultMiddleware, parseFaultRule } from '../mock/faults.js';
import { createServerSpecHolder, type SpecHolder } from './reload.js';
import { requestLogging } from './logging.js';
import { requestJournal } from './journal.js';
import { inSequence } from './in-sequence.js';
import { dashboardRoutes } from './dashboard/page.js';
import { bodyChecks, handlers } from '../api/handlers.js';
import type { Services } from '../handler-contract/services.js';

/** The page at GET /: where to go next. */
export const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flowmock</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style></head>
<body><h1>flowmock</h1>
<p>A stateful reference server of the Smart Flows and PhixFlow actionflow APIs.</p>
<ul>
<li><a href="/__flowmock/">Dashboard</a>: executions, actionflow runs and requests as they happen</li>
<li><a href="/swagger-ui/">API docs (Swagger UI)</a>: every operation, with "Try it out"</li>
<li><a href="/openapi.json">OpenAPI spec</a> (<a href="/openapi.yaml">YAML</a>)</li>
</ul>
<p>Smart Flows API: <code>/api/v1</code> (header <code>X-API-Key</code>). PhixFlow actionflow API: <code>/phixflow/api/1/action</code> (<code>Authorization: Bearer &lt;token&gt;</code>).</p>
</body></html>
`;

export interface BuildExpressAppOptions {
  /** The spec runtime (createApp passes the one it reloads on change); built here when absent. */
  spec?: SpecHolder;
}

export function buildExpressApp(config: FlowmockConfig, services: Services, logger: Logger, opts: BuildExpressAppOptions = {}): express.Express {
  // Router, validators, Prefer answers and the dispatcher, from the spec, in one swappable runtime
  // (src/http/reload.ts): each request uses the runtime current when it arrives.
  const spec = opts.spec ?? createServerSpecHolder(config, services, logger, handlers, bodyChecks);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Before anything that answers, in one Express layer (each layer costs every request its
  // matching): request ids and logging; the request journal (GET /__flowmock/requests), so it sees
  // every answer; CORS (`--cors`, src/http/cors.ts); transport faults asked for per request
  // (Prefer: latency=, fault=) or per route (--fault, src/mock/faults.ts).
  app.use(inSequence(
    requestLogging(logger),
    requestJournal(services.journal, services.now),
    corsMiddleware(config.cors),
    faultMiddleware({
      rules: config.faults.map(parseFaultRule), random: services.random.fork('faults'),
      serverWide: () => spec.current().serverWide, logger,
    }),
  ));

  // The API first, as it takes nearly every request. One raw body for every request: the
  // dispatcher parses it per the operation's media types, and passes on paths not in the spec.
  app.use(express.raw({ type: () => true, limit: config.bodyLimitBytes }));
  app.use((req, res, next) => {
    spec.current().dispatch(req, res, next).catch(next);
  });

  // The spec, as served to people and tools.
  app.get('/openapi.json', (_req, res) => void res.type('application/json').send(spec.current().json));
  app.get('/openapi.yaml', (_req, res) => void res.type('application/yaml').send(spec.current().yaml));

  // Swagger UI, where the real product serves its API list.
  const uiDir = getSwaggerUiPath();
  // Express matches '/swagger-ui/' here too (non-strict routing): redirect only the bare path.
  app.get('/swagger-ui', (req, res, next) => (req.path === '/swagger-ui' ? res.redirect(301, '/swagger-ui/') : next()));
  // Swagger UI holds the caller's key: no framing (clickjacking), no sniffing, scripts and styles
  // from this origin only (its bundle needs inline styles and data: images), and the key is not
  // kept in localStorage (persistAuthorization off: it lasts as long as the page).
  app.use('/swagger-ui', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.get('/swagger-ui/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = function () {\n  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false,\n    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n};\n`,
    );
  });
  app.use('/swagger-ui/', express.static(uiDir, { index: 'index.html', maxAge: '1h' }));

  // The dashboard page, its script and style (not API operations; its data comes from /__flowmock/ operations).
  app.use(dashboardRoutes());

  // GET /: a person who opens the server's address is led to the dashboard and the API docs
  // (not an API operation: neither product answers /, so it is not in the spec).
  app.get('/', (_req, res) => void res.type('text/html').set('Cache-Control', 'no-store').send(HOME_PAGE));

  app.use((req: Request, res: Response) => {
    sendProblem(res, 404, `No such path: ${req.method} ${req.path}.`, { requestId: res.locals.requestId });
  });

  // Body-parser and other framework errors, as problem+json with the right status.
  app.use((err: any, req: Request, res: Response, _next: NextFunction) => {
    const requestId = res.locals.requestId as string;
    if (err?.type === 'entity.too.large') {
      return sendProblem(res, 413, `The body is over the limit of ${config.bodyLimitBytes} bytes.`, { requestId });
    }
    if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      return sendProblem(res, 415, err.message, { requestId });
    }
    if (err?.type === 'request.aborted' || err?.type === 'request.size.invalid' || err?.status === 400) {
      return sendProblem(res, 400, `The request body could not be read: ${err.message}.`, { requestId });
    }
    logger.error({ err, requestId }, 'unhandled error');
    return sendProblem(res, 500, `Internal error; see the server log for request ${requestId}.`, { requestId });
  });
  return app;
}
