import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The credential of an `Authorization: Bearer ...` header, if any. */
export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** Compares a presented secret with the expected one in constant time. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
