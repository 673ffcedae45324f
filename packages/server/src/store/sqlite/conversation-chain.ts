import { MAX_UNREAD } from '../groups.js';
import type { LinkedEntryRow } from './chain-statements.js';
import type { Statements, TimelineLinkRow } from './statements.js';

/**
 * 1:1 conversations without an index by peer (conversation-chain-schema.ts): each timeline entry
 * links to the user's previous entry of the same conversation, and the conversation row holds the
 * newest. Reads follow the links; where one is broken they scan for the next older entry.
 */

interface Link {
  seq: number;
  prev_seq: number;
}

/** Links read per statement by the walks that only need the links (not the messages). */
const LINK_CHUNK = MAX_UNREAD + 1;

/**
 * The entries of a conversation from position `start` down to `floor` (exclusive), newest first.
 * `start` is where a link from position `bound` leads (the page's base, or just above the
 * conversation row's newest entry): the conversation has no entry between them, if the link is
 * sound. `chainAt(next, chunk)` follows the links from `next`, up to `chunk` entries. Where it finds
 * no entry of the conversation at `next` (gone, or another conversation's), `below(seq)` scans for
 * the newest entry under the last sound one, so a broken link skips nothing. Every step goes down.
 */
function* walk<T extends Link>(
  chainAt: (start: number, limit: number) => T[],
  below: (seq: number) => number,
  start: number,
  bound: number,
  floor: number,
  chunk: number,
): Generator<T> {
  let next = start;
  let from = bound;
  while (next > floor) {
    const part = chainAt(next, chunk).sort((a, b) => b.seq - a.seq);
    if (part.length === 0) {
      next = below(from);
      from = next;
      continue;
    }
    yield* part;
    const oldest = part[part.length - 1]!;
    from = oldest.seq;
    next = oldest.prev_seq < oldest.seq ? oldest.prev_seq : below(oldest.seq);
  }
}

function scanBelow(sql: Statements, user: string, peer: string, floor: number) {
  return (below: number): number => sql.peerEntryBelow.get({ user, peer, below, floor })?.seq ?? 0;
}

/**
 * A page of the user's conversation with the peer, newest first: the `limit` entries before the
 * page's base (the user's timeline entry of the base message, as `timelineEntry` found it), or the
 * newest ones. No conversation row, no conversation: nothing is scanned for a peer the user never
 * talked to.
 */
export function conversationPage(
  sql: Statements,
  user: string,
  peer: string,
  base: TimelineLinkRow | undefined,
  limit: number,
): LinkedEntryRow[] {
  const rows: LinkedEntryRow[] = [];
  const head = sql.conversationHead.get(user, peer)?.last_seq ?? 0;
  if (limit <= 0 || head === 0) return rows;
  const below = scanBelow(sql, user, peer, 0);
  let start = head;
  let bound = head + 1;
  if (base !== undefined && head >= base.seq) {
    const before = base.seq;
    if (base.peer_id === peer && base.prev_seq < before) {
      start = base.prev_seq;
      bound = before;
    } else {
      // a base of another conversation, older than this one's newest entry: the links lead below it
      const links = (s: number, n: number) =>
        sql.conversationLinks.all({ user, peer, start: s, floor: 0, limit: n });
      start = 0;
      for (const link of walk(links, below, head, head + 1, 0, LINK_CHUNK)) {
        if (link.seq < before) {
          start = link.seq;
          break;
        }
      }
      bound = start + 1;
    }
  }
  const chainAt = (s: number, n: number) =>
    sql.conversationEntries.all({ user, peer, start: s, floor: 0, limit: n });
  for (const row of walk(chainAt, below, start, bound, 0, limit)) {
    rows.push(row);
    if (rows.length >= limit) break;
  }
  return rows;
}

/**
 * The messages the user received in its conversation with the peer after position `readSeq`, from
 * its newest entry at `lastSeq` down, counted up to MAX_UNREAD (notes to oneself are never unread).
 */
function unreadAfter(sql: Statements, user: string, peer: string, lastSeq: number, readSeq: number): number {
  if (user === peer) return 0;
  const chainAt = (s: number, n: number) =>
    sql.conversationLinks.all({ user, peer, start: s, floor: readSeq, limit: n });
  let unread = 0;
  const below = scanBelow(sql, user, peer, readSeq);
  for (const link of walk(chainAt, below, lastSeq, lastSeq + 1, readSeq, LINK_CHUNK)) {
    if (link.incoming === 1 && ++unread >= MAX_UNREAD) break;
  }
  return unread;
}

/** The reader read the message at its position `seq` of its conversation with the peer. */
export function readConversationThrough(sql: Statements, reader: string, peer: string, seq: number): void {
  const head = sql.conversationHead.get(reader, peer);
  if (!head || head.read_seq >= seq) return;
  sql.setConversationRead.run(seq, unreadAfter(sql, reader, peer, head.last_seq, seq), reader, peer, seq);
}
