import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  url: URL,
) => Promise<void>;

interface Route {
  method: string;
  parts: string[];
  handler: RouteHandler;
}

/** A minimal method + path router: `/v1/users/:id` style patterns, exact segments otherwise. */
export class HttpRouter {
  private readonly routes: Route[] = [];
  private fallbackHandler: RouteHandler | undefined;

  on(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /**
   * The handler of requests whose path no route has (the web client's files); it throws the 404
   * itself for what it does not serve.
   */
  fallback(handler: RouteHandler): this {
    this.fallbackHandler = handler;
    return this;
  }

  /** Finds the handler for a request; throws 404 or 405 when there is none. */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } {
    const segments = pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
        return { handler: route.handler, params };
    }
    if (pathMatched)
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${pathname}`);
    if (this.fallbackHandler) return { handler: this.fallbackHandler, params: {} };
    throw notFound(pathname);
  }
}

function matchParts(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(seg);
      } catch {
        return undefined;
      }
    } else if (part !== seg) return undefined;
  }
  return params;
}

export function notFound(pathname: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `no route ${pathname}`);
}
