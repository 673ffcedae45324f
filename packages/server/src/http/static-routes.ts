import { createReadStream, existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebClientConfig } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/config.js';
import { notFound, sendJson } from './http-error.js';
import { setPageHeaders } from './page-policy.js';
import { contentTypeOf, type FoundFile, findStaticFile } from './static-files.js';

/** The web client of this checkout, built by `npm run build` (from src/http or dist/http alike). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export interface StaticRoutesConfig {
  /** The built web client: `index.html` and hashed files under `assets/`. */
  webDir: string;
  /** WEB_TOKEN_URL, named in the page's Content-Security-Policy when it is another origin. */
  tokenUrl: string | undefined;
  /** The answer of `GET /config.json`. */
  pageConfig: () => WebClientConfig;
}

/** The web client's settings from the server's: where it is built, what `/config.json` says. */
export function webClientSettings(config: ServerConfig, fileBase: () => string): StaticRoutesConfig {
  const tokenMode = config.appSecret !== undefined;
  const tokenUrl = tokenMode ? config.webTokenUrl : undefined;
  return {
    webDir: config.webDir ?? DEFAULT_WEB_DIR,
    tokenUrl,
    pageConfig: () => ({
      auth: tokenMode ? 'token' : 'open',
      ...(tokenUrl !== undefined && { tokenUrl }),
      namesEditable: !tokenMode && config.adminKey === undefined,
      fileBase: fileBase(),
      recallWindowMs: config.recallWindowMs,
      maxMessageBytes: config.maxMessageBytes,
      maxUploadBytes: config.maxUploadBytes,
    }),
  };
}

/** Vite names the files under `assets/` by their content hash: they never change. */
const HASHED = /^\/assets\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths that are never the page, whatever the request accepts. */
const NOT_PAGES = /^\/(v1|files|ws|healthz|assets)(\/|$)/;

/**
 * The web client at `/`: `GET /config.json` as a route, and a fallback (the app's not-found
 * handler) that serves its files and `index.html` for HTML navigations to other paths. Everything
 * the API does not route comes to the fallback; what is not a file of the client is the API's 404.
 */
export function addStaticRoutes(
  app: FastifyInstance,
  config: StaticRoutesConfig,
  log: Logger,
): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const index = path.join(config.webDir, 'index.html');
  if (!existsSync(index)) {
    log.warn({ webDir: config.webDir }, 'the web client is not built (npm run build): / answers 404');
  }

  app.get(
    '/config.json',
    {
      schema: {
        tags: ['web client'],
        summary: "The web client's settings",
        response: {
          200: {
            type: 'object',
            required: ['auth'],
            additionalProperties: true,
            properties: { auth: { type: 'string', enum: ['token', 'open'] } },
          },
        },
      },
    },
    async (req, reply) => {
      setPageHeaders(req.raw, reply.raw, config.tokenUrl);
      return sendJson(reply, 200, config.pageConfig());
    },
  );

  return async (request, reply) => {
    const req = request.raw;
    const res = reply.raw;
    const { pathname } = new URL(request.url, 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw notFound(pathname);
    if (pathname !== '/' && pathname !== '/index.html') {
      const found = await findStaticFile(config.webDir, pathname);
      if (found) {
        reply.hijack();
        serveFile(req, res, found, HASHED.test(pathname) ? IMMUTABLE : 'no-cache', config.tokenUrl);
        return reply;
      }
      if (!isNavigation(req) || NOT_PAGES.test(pathname)) throw notFound(pathname);
    }
    const page = await findStaticFile(config.webDir, '/index.html');
    reply.hijack();
    if (!page) notBuilt(res, config.webDir);
    else serveFile(req, res, page, 'no-cache', config.tokenUrl);
    return reply;
  };
}

/** A browser loading a page (not a script, an image or an API call). */
function isNavigation(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') || req.headers['sec-fetch-mode'] === 'navigate';
}

function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  found: FoundFile,
  cacheControl: string,
  tokenUrl: string | undefined,
): void {
  const etag = `"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
  setPageHeaders(req, res, tokenUrl);
  res.setHeader('content-type', contentTypeOf(found.file));
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304).end();
    return;
  }
  res.setHeader('content-length', found.size);
  res.writeHead(200);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function notBuilt(res: ServerResponse, webDir: string): void {
  const text =
    `Parley's web client is not built: run \`npm run build\` (looked for ${path.join(webDir, 'index.html')}).\n` +
    'The server itself runs: the WebSocket API is at /ws, the HTTP API under /v1 and /files.\n';
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
