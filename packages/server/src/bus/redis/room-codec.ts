import type { RoomDelivery } from '../room-bus.js';

/**
 * Room frames on Redis: the channel `{prefix}r:{roomId}` per room (user channels are
 * `{prefix}u:{userId}`), and a payload of one short header line, then the frame as is:
 *
 *     m42 k3x9f0a1\n{"action":"3",...}     stored message at position 42 of the room, from node k3x9f0a1
 *     t k3x9f0a1\n{"action":"3",...}       transient (`store: false`)
 */
export function roomChannel(prefix: string, roomId: string): string {
  return `${prefix}r:${roomId}`;
}

/** The room of a channel, or undefined when the channel is not a room's. */
export function roomOfChannel(prefix: string, channel: string): string | undefined {
  const head = `${prefix}r:`;
  return channel.startsWith(head) ? channel.slice(head.length) : undefined;
}

export function encodeRoom(d: RoomDelivery, origin: string): string {
  return d.seq === undefined ? `t ${origin}\n${d.frame}` : `m${d.seq} ${origin}\n${d.frame}`;
}

/** The delivery and publishing node of a payload on `roomId`'s channel; undefined when it is not one. */
export function decodeRoom(
  roomId: string,
  payload: string,
): { origin: string; delivery: RoomDelivery } | undefined {
  const eol = payload.indexOf('\n');
  const space = payload.indexOf(' ');
  if (eol < 0 || space < 1 || space > eol - 2) return undefined;
  const tag = payload.slice(0, space);
  const origin = payload.slice(space + 1, eol);
  const frame = payload.slice(eol + 1);
  if (tag === 't') return { origin, delivery: { roomId, frame } };
  if (!/^m\d{1,16}$/.test(tag)) return undefined;
  const seq = Number(tag.slice(1));
  return Number.isSafeInteger(seq) ? { origin, delivery: { roomId, seq, frame } } : undefined;
}
