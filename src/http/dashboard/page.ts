/**
 * The dashboard page and its script and style, served outside the spec's dispatcher: they are
 * not API operations and hold no data (the page asks for an admin key and reads the spec'd
 * JSON endpoints and the event stream under /__flowmock/ with it). Everything is local: no CDN.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import express from 'express';

// The assets stay in src/ (they are not compiled): found from the package root, also from dist/.
const here = path.join(PACKAGE_ROOT, 'src', 'http', 'dashboard');

// Only this origin's scripts, styles and connections: the page works offline and cannot leak the key.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function dashboardRoutes(): express.Router {
  const files = {
    html: readFileSync(path.join(here, 'index.html')),
    js: readFileSync(path.join(here, 'dashboard.js')),
    css: readFileSync(path.join(here, 'dashboard.css')),
  };
  const router = express.Router({ strict: true });
  const send = (type: string, body: Buffer) => (_req: express.Request, res: express.Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (type === 'text/html') {
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('Referrer-Policy', 'no-referrer');
    }
    res.type(type).send(body);
  };
  router.get('/__flowmock', (_req, res) => res.redirect(301, '/__flowmock/'));
  router.get('/__flowmock/', send('text/html', files.html));
  router.get('/__flowmock/dashboard.js', send('text/javascript', files.js));
  router.get('/__flowmock/dashboard.css', send('text/css', files.css));
  return router;
}
