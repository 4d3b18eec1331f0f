/**
 * `createApp(config)`: the Express app of the reference server. Everything under the spec's paths
 * goes through the spec-driven dispatcher; around it sit request ids and logging, CORS, the body
 * limit, the spec itself (/openapi.json, /openapi.yaml) and Swagger UI (/swagger-ui/).
 */
import express, { type Request, type Response, type NextFunction } from 'express';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import swaggerUiDist from 'swagger-ui-dist';
import type { Logger } from 'pino';
import type { FlowmockConfig } from '../config.js';
import { loadBundledSpec, listOperations, GENERATED_DIR } from './openapi-document.js';
import { Router } from './router.js';
import { SpecValidator } from './validation.js';
import { createDispatcher, sendProblem } from './dispatch.js';
import { requestLogging } from './logging.js';
import { handlers } from '../api/handlers.js';
import type { Services } from '../services.js';

const CORS_ALLOWED_HEADERS = 'Content-Type, X-API-Key, Authorization, X-Request-Id, Prefer';

export function buildExpressApp(config: FlowmockConfig, services: Services, logger: Logger): express.Express {
  const doc = loadBundledSpec();
  const ops = listOperations(doc);
  const router = new Router(ops);
  const validator = new SpecValidator(doc, ops);
  const dispatch = createDispatcher({ router, validator, handlers, services, validateResponses: config.validateResponses, logger });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLogging(logger));

  // CORS, set explicitly: any origin may call with a key or token in a header (no cookies are used).
  app.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Location, Retry-After, X-Request-Id, Content-Disposition');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  });

  // The spec, as served to people and tools.
  const specJson = readFileSync(path.join(GENERATED_DIR, 'openapi.json'));
  const specYaml = readFileSync(path.join(GENERATED_DIR, 'openapi.yaml'));
  app.get('/openapi.json', (_req, res) => void res.type('application/json').send(specJson));
  app.get('/openapi.yaml', (_req, res) => void res.type('application/yaml').send(specYaml));

  // Swagger UI, where the real product serves its API list.
  const uiDir = swaggerUiDist.getAbsoluteFSPath();
  // Express matches '/swagger-ui/' here too (non-strict routing): redirect only the bare path.
  app.get('/swagger-ui', (req, res, next) => (req.path === '/swagger-ui' ? res.redirect(301, '/swagger-ui/') : next()));
  app.get('/swagger-ui/swagger-initializer.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = function () {\n  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,\n    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n};\n`,
    );
  });
  app.use('/swagger-ui/', express.static(uiDir, { index: 'index.html', maxAge: '1h' }));

  // One raw body for every request: the dispatcher parses it per the operation's media types.
  app.use(express.raw({ type: () => true, limit: config.bodyLimitBytes }));
  app.use((req, res, next) => {
    dispatch(req, res, next).catch(next);
  });

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
