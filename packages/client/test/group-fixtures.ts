/** Fixtures of the group, room and conversation unit tests: a scripted `ask`, a group, history entries. */
import type { HistoryEntry } from '@parley/protocol';
import type { InboundFrame, OutboundFrame } from '../src/types.js';

/** An `ask` that records frames and answers from a script. */
export function scripted(answer: (frame: OutboundFrame, n: number) => object) {
  const asked: { frame: OutboundFrame; once: boolean }[] = [];
  const ask = async (frame: OutboundFrame, opts?: { once?: boolean }) => {
    asked.push({ frame, once: opts?.once === true });
    return answer(frame, asked.length - 1) as InboundFrame;
  };
  return { ask, asked };
}

/** A group as the server's replies carry it. */
export const info = {
  id: '~g1',
  name: 'Trip',
  ownerId: 'alice',
  mutedAll: false,
  memberCount: 3,
  seq: 1,
  ts: 1,
};
/** A history entry (a message) of `~g1` unless `toId` says otherwise. */
export const entry = (id: string, seq?: number, toId = '~g1'): HistoryEntry => ({
  fromId: 'alice',
  toId,
  chatMsg: { id, type: 0, message: id, status: 1, time: 't', ts: 1, ...(seq !== undefined && { seq }) },
});
/** A membership event of `~g1` at position `seq`. */
export const event = (seq: number) => ({
  fromId: 'alice',
  toId: '~g1',
  event: { type: 'joined' as const, users: ['dave'], seq, time: 't', ts: 1 },
});
