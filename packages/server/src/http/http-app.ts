import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import type { CorsPolicy } from './cors.js';
import { HttpError, notFound, sendError, sendJson } from './http-error.js';
import { parseJsonBodies } from './json-body.js';
import { beginRequest, requestLog } from './request-id.js';
import { RoutePaths } from './route-paths.js';
import { formatSchemaErrors } from './schema-errors.js';

export interface HttpAppOptions {
  /** The largest JSON body, in bytes (413 above). */
  bodyLimit: number;
}

/** Answers what no route does (GET and HEAD: the web client); throws HttpError otherwise. */
export type Fallback = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface HttpApp {
  readonly app: FastifyInstance;
  /** Sets the answer of requests no route takes (by default: 404 NOT_FOUND). */
  fallback(handler: Fallback): void;
  /** Every route as `METHOD /path` (Fastify's `:id` form), HEAD routes left out. */
  readonly routes: readonly string[];
}

/**
 * The Fastify app: request ids, CORS, JSON bodies, validation of every route by its JSON schema,
 * failures as `{code, error}`, 405 for a known path with another method, and the OpenAPI document
 * built from the same schemas. Routes are added by the route files; call `ready()` before listening.
 */
export async function createHttpApp(
  log: Logger,
  cors: CorsPolicy,
  options: HttpAppOptions,
): Promise<HttpApp> {
  let fallback: Fallback | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    requestTimeout: 60_000,
    // node's own default (Fastify's is 72 s): idle keep-alive sockets do not linger
    keepAliveTimeout: 5_000,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000 },
    return503OnClosing: false,
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
        verbose: true,
        keywords: ['x-reason'],
      },
    },
    schemaErrorFormatter: formatSchemaErrors,
    // a path that does not decode is no route (as before: the web client's 404)
    frameworkErrors: (err, req, reply) => {
      beginRequest(req.raw, reply.raw, log);
      cors.apply(req.raw, reply.raw);
      const { pathname } = new URL(req.raw.url ?? '/', 'http://localhost');
      if (err.code === 'FST_ERR_BAD_URL')
        return sendError(reply, 404, { code: 'NOT_FOUND', error: `no route ${pathname}` });
      return sendError(reply, 400, { code: 'BAD_REQUEST', error: err.message });
    },
  });
  app.server.headersTimeout = 20_000;
  // answers are JSON.stringify'd as they are: response schemas document, they do not filter
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  parseJsonBodies(app);

  const paths = new RoutePaths();
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      paths.add(route.url);
      routes.push(`${method} ${route.url}`);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    beginRequest(req.raw, reply.raw, log);
    const preflight = cors.apply(req.raw, reply.raw);
    if (preflight !== undefined) return reply.code(preflight).send();
  });

  app.setNotFoundHandler(async (req, reply) => {
    const { pathname } = new URL(req.url, 'http://localhost');
    if (paths.has(pathname))
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${pathname}`);
    if (fallback) return fallback(req, reply);
    throw notFound(pathname);
  });

  app.setErrorHandler(async (err: FastifyError | HttpError, req, reply) => {
    if (reply.raw.headersSent) {
      reply.raw.destroy();
      return reply;
    }
    if (err instanceof HttpError) {
      // the rest of an oversized body is not read: answer, then close the connection
      if (err.status === 413) reply.header('connection', 'close');
      return sendError(reply, err.status, { code: err.code, error: err.message });
    }
    if (err.validation) return sendError(reply, 400, { code: 'BAD_REQUEST', error: err.message });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      reply.header('connection', 'close');
      return sendError(reply, 413, {
        code: 'TOO_LARGE',
        error: `request bodies are limited to ${options.bodyLimit} bytes`,
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendError(reply, status, { code: 'BAD_REQUEST', error: err.message });
    requestLog(req.raw, log).error({ err, method: req.method, url: req.url }, 'http request failed');
    return sendError(reply, 500, { code: 'INTERNAL', error: 'internal error' });
  });

  // registered (awaited) before any route, so that its onRoute hook sees every one
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Parley HTTP API',
        version: '1',
        description: 'Admin API, server API, tokens, files and the web client settings of a Parley server.',
      },
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_KEY' },
          appSecret: { type: 'http', scheme: 'bearer', description: 'APP_SECRET' },
          userToken: { type: 'http', scheme: 'bearer', description: 'a user token from POST /v1/tokens' },
        },
      },
    },
  });
  app.get(
    '/openapi.json',
    { schema: { summary: 'This OpenAPI document', response: { 200: { type: 'object' } } } },
    async (_req, reply) => sendJson(reply, 200, app.swagger()),
  );
  return {
    app,
    routes,
    fallback: (handler) => {
      fallback = handler;
    },
  };
}
