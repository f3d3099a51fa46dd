// The web UI: one static page and its script, served from src/rest/web at `/`.

import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const WEB = new URL('../web/', import.meta.url);
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** Serves `/` (and `/index.html`) and `/app.js`; the files are read once, when the server is built. */
export function registerWebUi(app: FastifyInstance): void {
  const html = readFileSync(new URL('index.html', WEB), 'utf8');
  const script = readFileSync(new URL('app.js', WEB), 'utf8');
  const page = (): string => html;
  for (const url of ['/', '/index.html']) {
    app.get(url, (_request, reply) => reply.type('text/html; charset=utf-8').header('Content-Security-Policy', CSP).send(page()));
  }
  app.get('/app.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
}
