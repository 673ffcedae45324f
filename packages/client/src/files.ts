import { ErrorCode } from '@parley/protocol';
import { ParleyError, type ParleyErrorCode } from './errors.js';
import type { FetchLike, UploadBody } from './transport.js';
import type { UploadedFile } from './types.js';

/** What `uploadFile` accepts: no FileReader or DOM types needed, so it runs anywhere. */
export type FileData = Blob | ArrayBuffer | Uint8Array;

export interface UploadOptions {
  /** The file name, e.g. `photo.jpg`. */
  name: string;
  /** The content type, e.g. `image/jpeg`. */
  mime: string;
}

export interface UploadContext {
  fetch: FetchLike | undefined;
  httpBase: string;
  getToken: (() => Promise<string>) | undefined;
}

/** `POST <httpBase>/files?name=...` with the raw body; answers `{url, name, size, mime}`. */
export async function uploadFile(
  ctx: UploadContext,
  data: FileData,
  opts: UploadOptions,
): Promise<UploadedFile> {
  const doFetch = ctx.fetch;
  if (!doFetch) throw new ParleyError('INVALID_ARGUMENT', 'no global fetch in this runtime: pass { fetch }');
  if (typeof opts?.name !== 'string' || opts.name.length === 0) {
    throw new ParleyError('INVALID_ARGUMENT', 'uploadFile needs a file name');
  }
  if (typeof opts.mime !== 'string' || opts.mime.length === 0) {
    throw new ParleyError('INVALID_ARGUMENT', 'uploadFile needs a content type (mime)');
  }
  const headers: Record<string, string> = { 'content-type': opts.mime };
  if (ctx.getToken) {
    try {
      headers.authorization = `Bearer ${await ctx.getToken()}`;
    } catch (cause) {
      throw new ParleyError('TOKEN_PROVIDER', 'getToken() failed', { cause });
    }
  }
  const url = `${ctx.httpBase}/files?name=${encodeURIComponent(opts.name)}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await doFetch(url, { method: 'POST', headers, body: toBody(data) });
  } catch (cause) {
    throw new ParleyError('HTTP', `upload to ${url} failed`, { cause });
  }
  const text = await res.text();
  const body = parseJson(text);
  if (!res.ok) {
    const code = errorCodeOf(body, res.status);
    const reason = isRecord(body) && typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    throw new ParleyError(code, `upload refused: ${reason}`, { status: res.status });
  }
  if (
    !isRecord(body) ||
    typeof body.url !== 'string' ||
    typeof body.name !== 'string' ||
    typeof body.size !== 'number' ||
    typeof body.mime !== 'string'
  ) {
    throw new ParleyError('PROTOCOL', 'the upload answer is not {url, name, size, mime}', {
      status: res.status,
    });
  }
  return { url: body.url, name: body.name, size: body.size, mime: body.mime };
}

function toBody(data: FileData): UploadBody {
  if (data instanceof ArrayBuffer) return data;
  if (data instanceof Uint8Array) {
    // a view on a plain ArrayBuffer is sent as is; one on a SharedArrayBuffer is copied
    if (data.buffer instanceof ArrayBuffer)
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return new Uint8Array(data);
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data;
  throw new ParleyError('INVALID_ARGUMENT', 'file data must be a Blob, an ArrayBuffer or a Uint8Array');
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

function errorCodeOf(body: unknown, status: number): ParleyErrorCode {
  if (isRecord(body) && typeof body.code === 'string' && KNOWN_CODES.has(body.code)) {
    return body.code as ParleyErrorCode;
  }
  if (status === 413) return ErrorCode.TooLarge;
  if (status === 401) return ErrorCode.AuthFailed;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 429) return ErrorCode.RateLimited;
  return 'HTTP';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
