import {
  createTimeFormatter,
  formatMsgId,
  type MessageDelivery,
  type MsgTypeCode,
  type StatusNotice,
} from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../src/bus/bus.js';
import { ackFrame, chatMsgOf, deliveryFrame, OwnCopy } from '../src/core/wire.js';
import type { TimelineEntry } from '../src/store/store.js';

const time = createTimeFormatter('Asia/Shanghai');

/** Bodies and ids with everything JSON escapes, and what it does not. */
const bodies = [
  '',
  'hello',
  '自定义文本消息 😀 𠀀',
  '"quoted" \\ back\\slash / slash',
  'tab\t nl\n cr\r ff\f bs\b nul\u0000 us\u001f del\u007f',
  'lone \ud800 high, lone \udc00 low, pair \ud83d\ude00',
  '\u2028\u2029 line separators',
  '</script><!-- -->',
  'x'.repeat(20_000),
];
const ids = ['HK0001', 'u.s_e@r:+-1', '~group', '!room', 'a'.repeat(64), 'odd "id" \\ \n'];

function entries(): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let n = 0;
  for (const body of bodies)
    for (const fromId of ids) {
      n++;
      out.push({
        msgId: n * 999_983,
        fromId,
        toId: ids[n % ids.length]!,
        type: (n % 3) as MsgTypeCode,
        body,
        status: n % 2 === 0 ? 1 : 2,
        timeMs: 1_795_398_182_714 + n * 7_777_777,
        recalled: n % 5 === 0,
        seq: n * 31,
      });
    }
  return out;
}

describe('frames written field by field', () => {
  it('writes a delivery exactly as JSON.stringify writes the frame object', () => {
    for (const m of entries()) {
      const frame: MessageDelivery = {
        action: '3',
        fromId: m.fromId,
        toId: m.toId,
        chatMsg: chatMsgOf(m, time, m.seq),
      };
      expect(deliveryFrame(m, time)).toBe(JSON.stringify(frame));
      const own: MessageDelivery = { ...frame, chatMsg: chatMsgOf(m, time, 12345) };
      expect(deliveryFrame(m, time, 12345)).toBe(JSON.stringify(own));
    }
  });

  it('writes an acknowledgement exactly as JSON.stringify writes the frame object', () => {
    for (const m of entries()) {
      const ack: StatusNotice = {
        action: '4',
        fromId: m.toId,
        toId: m.fromId,
        chatMsg: { id: formatMsgId(m.msgId), status: 1, time: time(m.timeMs), ts: m.timeMs },
      };
      expect(ackFrame(m, time)).toBe(JSON.stringify(ack));
    }
  });

  it("serializes the sender's own copy once, on the first read of its frame, and never if not read", () => {
    const m = entries()[3]!;
    let formatted = 0;
    const counting = (ms: number) => {
      formatted++;
      return time(ms);
    };
    const d: Delivery = new OwnCopy('bob', 77, m, counting, 'node.1');
    expect(d).toMatchObject({ kind: 'message', userId: 'bob', seq: 77, origin: 'node.1' });
    expect(formatted).toBe(0);
    expect(d.frame).toBe(deliveryFrame(m, time, 77));
    expect(d.frame).toBe(deliveryFrame(m, time, 77));
    expect(formatted).toBe(1);
    expect(new OwnCopy('bob', 77, m, time, undefined).origin).toBeUndefined();
  });
});
