import { createHmac } from 'node:crypto';

/** The header that carries the signature of a webhook body. */
export const SIGNATURE_HEADER = 'x-parley-signature';

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed with WEBHOOK_SECRET>`. */
export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
