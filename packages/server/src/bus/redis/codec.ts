import type { Delivery, KickDelivery, MessageDelivery, TransientDelivery } from '../bus.js';

/**
 * The wire form of a Delivery on a user's channel: one short header line, then the frame as is.
 *
 *     m42 k3x9f0a1\n{"action":"3",...}     message, seq 42, published by node k3x9f0a1
 *     m9 k3x9f0a1 ~trip c7\n{...}          entry 9 of group ~trip, sent by connection c7
 *     n7 k3x9f0a1\n...                     notice 7
 *     r42 k3x9f0a1\n...                    recall of seq 42
 *     t k3x9f0a1\n...                      transient
 *     t k3x9f0a1 - c7\n...                 transient caused by connection c7 (not sent back to it)
 *     g k3x9f0a1\n                         k3x9f0a1 lost frames to this user: resync
 *     k4403 k3x9f0a1\nkicked               close the user's connections with 4403, reason "kicked"
 *     k4401 k3x9f0a1 1795312800000\n...    the same, those with tokens issued before that instant
 *
 * The user is the channel's (`{prefix}u:{userId}`), so it is not repeated. The frame is never
 * escaped or wrapped: it may hold any character, newlines included, since only the first newline
 * ends the header.
 */
export type Envelope =
  | {
      /** The node that published it: a node skips its own, already delivered locally. */
      origin: string;
      delivery: Delivery;
    }
  | {
      origin: string;
      /** `origin` could not publish frames to this channel's user: its sessions must resync. */
      gap: true;
    };

/** The notice of a node that lost frames to a user (on the user's channel) or to anyone (gap channel). */
export function encodeGap(origin: string): string {
  return `g ${origin}\n`;
}

export function encode(d: Delivery, origin: string): string {
  switch (d.kind) {
    case 'message':
      if (d.stream === undefined && d.origin === undefined) return `m${d.seq} ${origin}\n${d.frame}`;
      return `m${d.seq} ${origin} ${d.stream ?? '-'}${d.origin === undefined ? '' : ` ${d.origin}`}\n${d.frame}`;
    case 'notice':
      return `n${d.noticeId} ${origin}\n${d.frame}`;
    case 'recall':
      return `r${d.seq} ${origin}\n${d.frame}`;
    case 'transient':
      return d.origin === undefined ? `t ${origin}\n${d.frame}` : `t ${origin} - ${d.origin}\n${d.frame}`;
    case 'kick':
      return d.issuedBefore === undefined
        ? `k${d.code} ${origin}\n${d.frame}`
        : `k${d.code} ${origin} ${d.issuedBefore}\n${d.frame}`;
  }
}

/** The envelope of a payload received on `userId`'s channel; undefined when it is not one. */
export function decode(userId: string, payload: string): Envelope | undefined {
  const eol = payload.indexOf('\n');
  if (eol < 0) return undefined;
  const header = payload.slice(0, eol);
  const space = header.indexOf(' ');
  if (space < 1 || space === header.length - 1) return undefined;
  const tag = header.slice(0, space);
  const [origin = '', stream, sender, ...extra] = header.slice(space + 1).split(' ');
  if (origin === '' || extra.length > 0) return undefined;
  if (tag[0] === 'k') return decodeKick(userId, tag, origin, stream, sender, payload.slice(eol + 1));
  if ((stream !== undefined || sender !== undefined) && tag !== 't' && tag[0] !== 'm') return undefined;
  const frame = payload.slice(eol + 1);
  const kind = tag[0];
  if (kind === 'g') return tag.length === 1 ? { origin, gap: true } : undefined;
  if (kind === 't') {
    if (tag.length !== 1 || (stream !== undefined && (stream !== '-' || sender === undefined)))
      return undefined;
    const delivery: TransientDelivery = { kind: 'transient', userId, frame };
    if (sender !== undefined) delivery.origin = sender;
    return { origin, delivery };
  }
  const digits = tag.slice(1);
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return undefined;
  switch (kind) {
    case 'm': {
      const delivery: MessageDelivery = { kind: 'message', userId, seq: n, frame };
      if (stream !== undefined && stream !== '-') delivery.stream = stream;
      if (sender !== undefined) delivery.origin = sender;
      return { origin, delivery };
    }
    case 'n':
      return { origin, delivery: { kind: 'notice', userId, noticeId: n, frame } };
    case 'r':
      return { origin, delivery: { kind: 'recall', userId, seq: n, frame } };
    default:
      return undefined;
  }
}

function decodeKick(
  userId: string,
  tag: string,
  origin: string,
  issuedBefore: string | undefined,
  extra: string | undefined,
  frame: string,
): Envelope | undefined {
  if (!/^k\d{4}$/.test(tag) || extra !== undefined) return undefined;
  const delivery: KickDelivery = { kind: 'kick', userId, code: Number(tag.slice(1)), frame };
  if (issuedBefore !== undefined) {
    if (!/^\d{1,16}$/.test(issuedBefore)) return undefined;
    delivery.issuedBefore = Number(issuedBefore);
  }
  return { origin, delivery };
}
