import { SIGNATURE_HEADER, sign } from './signature.js';

export interface PostTarget {
  url: string;
  secret: string;
}

/** How one POST went: `status` for an answer, `error` when none came (refused, reset, timed out). */
export type PostOutcome =
  | { ok: true; status: number; text: string }
  | { ok: false; status: number; text: string }
  | { ok: false; status?: undefined; error: string; timedOut: boolean };

/** Answers are read up to this many bytes (a before-send verdict is small; the rest is ignored). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs a signed JSON body and reads the answer, all within `timeoutMs`. Redirects are not
 * followed (a 3xx is a failure). Never throws.
 */
export async function postSigned(
  target: PostTarget,
  body: string,
  type: string,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks',
        'x-parley-event': type,
        [SIGNATURE_HEADER]: sign(body, target.secret),
      },
      body,
      redirect: 'manual',
      signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout,
    });
    const text = await readText(res);
    return { ok: res.status >= 200 && res.status < 300, status: res.status, text };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const timedOut = timeout.aborted;
    const error = timedOut
      ? `no answer within ${timeoutMs} ms`
      : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, error, timedOut };
  }
}

async function readText(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES);
}
