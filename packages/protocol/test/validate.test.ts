import { describe, expect, it } from 'vitest';
import { parseClientFrame, validateClientFrame } from '../src/index.js';

describe('parseClientFrame', () => {
  it('accepts every seed example frame', () => {
    const frames = [
      { action: '1', fromId: 'HK0001' },
      { action: '2', fromId: 'HK0001' },
      {
        action: '3',
        fromId: 'HK0001',
        toId: 'HK0002',
        chatMsg: {
          id: 'MSG000001',
          type: 0,
          message: '自定义文本消息',
          status: 0,
          time: '2021-12-14 12:00:00',
        },
      },
      { action: '4', fromId: 'HK0002', toId: 'HK0001', chatMsg: { id: 'MSG000001', status: 2 } },
      { action: '5', fromId: 'HK0001' },
      { action: '11', fromId: 'HK0001' },
      { action: '12', fromId: 'HK0001', toId: 'HK0002', baseMsgId: 'MSG000001', pageSize: 10 },
    ];
    for (const f of frames) expect(parseClientFrame(JSON.stringify(f))).toEqual({ ok: true, frame: f });
  });

  it('drops unknown fields and keeps known optional ones', () => {
    const r = validateClientFrame({
      action: '3',
      fromId: 'a',
      toId: 'b',
      store: false,
      extra: 1,
      chatMsg: { id: 'x', type: 2, message: '' },
    });
    expect(r).toEqual({
      ok: true,
      frame: {
        action: '3',
        fromId: 'a',
        toId: 'b',
        store: false,
        chatMsg: { id: 'x', type: 2, message: '' },
      },
    });
  });

  it('names the field that is wrong', () => {
    expect(
      parseClientFrame('{"action":"3","fromId":"a","toId":"b","chatMsg":{"id":"MSG000001","type":0}}'),
    ).toEqual({
      ok: false,
      code: 'BAD_REQUEST',
      error: 'chatMsg.message is required',
      ref: { action: '3', id: 'MSG000001' },
    });
    expect(parseClientFrame('nope')).toMatchObject({ ok: false, code: 'BAD_JSON' });
    expect(parseClientFrame('{"action":"77"}')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
      ref: { action: '77' },
    });
    expect(parseClientFrame('{"action":"toString","fromId":"a"}')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
    });
    expect(parseClientFrame('{"action":"__proto__","fromId":"a"}')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
    });
  });

  it('takes a numeric action as its string and keeps refusing what is no action', () => {
    expect(parseClientFrame('{"action":1,"fromId":"a","confirms":true}')).toEqual({
      ok: true,
      frame: { action: '1', fromId: 'a', confirms: true },
    });
    expect(parseClientFrame('{"action":12,"fromId":"a","pageSize":5}')).toEqual({
      ok: true,
      frame: { action: '12', fromId: 'a', pageSize: 5 },
    });
    expect(parseClientFrame('{"action":99,"fromId":"a"}')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
      ref: { action: '99' },
    });
    for (const action of ['1.5', '-1', 'true', '1e300', '[1]', '{}']) {
      expect(parseClientFrame(`{"action":${action},"fromId":"a"}`), action).toMatchObject({
        ok: false,
        code: 'BAD_REQUEST',
      });
    }
    expect(parseClientFrame('{"action":"1","fromId":"a","confirms":1}')).toMatchObject({
      ok: false,
      code: 'BAD_REQUEST',
      error: 'confirms must be true or false',
    });
  });

  it('survives deep nesting and huge arrays', () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(parseClientFrame(deep)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    const nested = `{"action":"5","fromId":"a","x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    expect(parseClientFrame(nested)).toMatchObject({ ok: true });
    expect(parseClientFrame(`[${'1,'.repeat(100_000)}1]`)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});
