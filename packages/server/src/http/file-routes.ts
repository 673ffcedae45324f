import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type UploadedFile } from '@parley/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { UploadCharge, UploadQuota } from '../core/quotas.js';
import { contentDisposition, isInlineSafe, normalizeMime, sanitizeName } from '../files/content-policy.js';
import { type FileStore, FileTooLargeError, type StoredFile } from '../files/file-store.js';
import { HttpError, sendJson } from './http-error.js';
import { parseRange } from './range.js';
import { responses } from './schemas.js';

export interface FileRoutesConfig {
  maxUploadBytes: number;
  /** Base of the URLs handed out: PUBLIC_URL, or the server's own address (never the request's Host). */
  publicUrl: () => string;
  /** Who is uploading; throws HttpError 401 when auth is on and the request is not authenticated. */
  identify: (req: IncomingMessage) => Promise<string | undefined>;
  /** Bytes per uploader and day; none: unlimited. */
  quota?: UploadQuota | undefined;
}

/**
 * B8: `POST /files` stores a raw body, `GET /files/{id}` serves it safely. In a context of their
 * own: the upload's body is not parsed (any Content-Type), the store reads it as it comes.
 */
export function addFileRoutes(app: FastifyInstance, files: FileStore, config: FileRoutesConfig): void {
  void app.register(async (ctx) => {
    ctx.removeAllContentTypeParsers();
    ctx.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    routes(ctx, files, config);
  });
}

const stored = {
  type: 'object',
  required: ['url', 'name', 'size', 'mime'],
  properties: {
    url: { type: 'string' },
    name: { type: 'string' },
    size: { type: 'integer' },
    mime: { type: 'string' },
  },
};

function routes(app: FastifyInstance, files: FileStore, config: FileRoutesConfig): void {
  app.post(
    '/files',
    {
      schema: {
        tags: ['files'],
        security: [{ userToken: [] }],
        summary: 'Uploads a file: the raw body, named by ?name= or X-File-Name',
        querystring: { type: 'object', properties: { name: { type: 'string' } } },
        consumes: ['application/octet-stream', '*/*'],
        response: responses({ 201: stored }, [401, 413, 429]),
      },
    },
    async (request, reply) => {
      const req = request.raw;
      const res = reply.raw;
      const url = new URL(request.url, 'http://localhost');
      const uploader = await config.identify(req);
      const tooLarge = new HttpError(413, 'TOO_LARGE', `files are limited to ${config.maxUploadBytes} bytes`);
      if (Number(req.headers['content-length'] ?? 0) > config.maxUploadBytes) throw tooLarge;
      const name = sanitizeName(url.searchParams.get('name') ?? headerText(req.headers['x-file-name']));
      const mime = normalizeMime(req.headers['content-type']);
      const charge =
        config.quota && (await chargeUpload(req, res, config.quota, uploader, config.maxUploadBytes));
      let file: StoredFile;
      try {
        file = await files.put(req, { name, mime, uploader }, config.maxUploadBytes);
      } catch (err) {
        await charge?.settle(0);
        if (err instanceof FileTooLargeError) throw tooLarge;
        throw err;
      }
      await charge?.settle(file.size);
      const base = config.publicUrl();
      const answer: UploadedFile = {
        url: `${base.replace(/\/$/, '')}/files/${file.id}`,
        name: file.name,
        size: file.size,
        mime: file.mime,
      };
      return sendJson(reply, 201, answer);
    },
  );

  app.get(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: 'Downloads a file (single byte ranges, ETag)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        headers: {
          type: 'object',
          properties: { range: { type: 'string' }, 'if-none-match': { type: 'string' } },
        },
        response: {
          200: { description: 'the file', type: 'string', format: 'binary' },
          206: { description: 'one range of the file', type: 'string', format: 'binary' },
          304: { description: 'not modified', type: 'null' },
          ...responses({}, [404, 416]),
        },
      },
    },
    async (request, reply) => {
      const file = await files.get((request.params as { id: string }).id);
      if (!file) throw new HttpError(404, 'NOT_FOUND', 'no such file');
      serveFile(request.raw, reply, files, file);
      return reply;
    },
  );
}

/**
 * Charges an upload to its uploader's daily quota before its body is read: its Content-Length, or
 * without one the most it may be. Anonymous uploads (open mode) are charged to the remote address.
 */
async function chargeUpload(
  req: IncomingMessage,
  res: ServerResponse,
  quota: UploadQuota,
  uploader: string | undefined,
  maxUploadBytes: number,
): Promise<UploadCharge> {
  const length = req.headers['content-length'];
  const bytes = length === undefined ? maxUploadBytes : Number(length);
  // user ids never contain a space, so an address can never be taken for a user
  const owner = uploader ?? `ip ${req.socket.remoteAddress ?? 'unknown'}`;
  const charge = await quota.charge(owner, bytes);
  if (charge) return charge;
  res.setHeader('retry-after', String(quota.secondsToReset()));
  throw new HttpError(
    429,
    ErrorCode.QuotaExceeded,
    `uploads are limited to ${quota.maxBytesPerDay} bytes per day${uploader === undefined ? ' per address' : ''}` +
      (length === undefined
        ? ' (an upload without Content-Length counts as the largest allowed until it ends)'
        : ''),
  );
}

function headerText(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v[0] : v;
  try {
    return s === undefined ? undefined : decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Answers on the raw response (the reply is hijacked), after any refusal has been thrown. */
function serveFile(req: IncomingMessage, reply: FastifyReply, files: FileStore, file: StoredFile): void {
  const res = reply.raw;
  const etag = `"${file.sha256}"`;
  res.setHeader('content-type', file.mime);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', "default-src 'none'; sandbox");
  res.setHeader(
    'content-disposition',
    contentDisposition(isInlineSafe(file.mime) ? 'inline' : 'attachment', file.name),
  );
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('etag', etag);
  res.setHeader('cache-control', 'private, max-age=31536000, immutable');
  if (req.headers['if-none-match'] === etag) {
    reply.hijack();
    res.writeHead(304).end();
    return;
  }
  const range = parseRange(req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    res.setHeader('content-range', `bytes */${file.size}`);
    throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `the file has ${file.size} bytes`);
  }
  const length = range ? range.end - range.start + 1 : file.size;
  res.setHeader('content-length', length);
  if (range) res.setHeader('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
  reply.hijack();
  res.writeHead(range ? 206 : 200);
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  const stream = files.read(file, range);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
