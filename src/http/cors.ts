/**
 * CORS, configurable (`--cors`, config `cors`, env `FLOWMOCK_CORS`):
 *   '*'        (default) any origin: `Access-Control-Allow-Origin: *`. Credentials travel in
 *              headers (X-API-Key, Authorization), never cookies, so no credentialed CORS is needed.
 *   'off'      no CORS headers at all; a preflight is answered like any other OPTIONS request.
 *   [origins]  only these origins (`https://app.example.com`, scheme://host[:port]): the allowed
 *              origin is echoed with `Vary: Origin`; another origin gets no CORS headers (its
 *              preflight is a 204 without them, so the browser refuses the call).
 */
import type { Request, Response, NextFunction } from 'express';
import type { CorsSetting } from '../config.js';

export { parseCors, type CorsSetting } from '../config.js';

export const CORS_ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
export const CORS_ALLOWED_HEADERS = 'Content-Type, X-API-Key, Authorization, X-Request-Id, Prefer';
export const CORS_EXPOSED_HEADERS = 'Location, Retry-After, X-Request-Id, Content-Disposition, Preference-Applied, X-Flowmock-Latency';

export function corsMiddleware(setting: CorsSetting) {
  const allowed = Array.isArray(setting) ? new Set(setting) : null;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (setting === 'off') return next();
    let allowOrigin: string | null = '*';
    if (allowed) {
      res.vary('Origin');
      const origin = req.headers.origin;
      allowOrigin = typeof origin === 'string' && allowed.has(origin) ? origin : null;
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (allowOrigin) {
      res.setHeader('Access-Control-Allow-Origin', allowOrigin);
      res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    }
    if (preflight) {
      if (allowOrigin) {
        res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
        res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
