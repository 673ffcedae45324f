import { describe, expect, it } from 'vitest';
import { admin } from './helpers/admin.js';
import { startTestServer } from './helpers/test-server.js';

/** Every example frame of the seed document, in order, as a client written from it sees them. */
describe('seed protocol transcript', () => {
  it('connect, ids, message, ack, read receipt, heartbeat, contacts, history', async () => {
    const t = await startTestServer({ timeZone: 'Asia/Shanghai' });
    const url = t.server.url;
    for (const [id, name] of [
      ['HK0001', '我'],
      ['HK0002', '张三'],
      ['HK0003', '李四'],
    ]) {
      expect((await admin(url, 'PUT', `/v1/users/${id}`, { name })).status).toBe(200);
    }
    expect(
      (await admin(url, 'PUT', '/v1/users/HK0001/contacts', { contacts: ['HK0002', 'HK0003'] })).status,
    ).toBe(200);

    // 一、连接
    const a = await t.client();
    a.send({ action: '1', fromId: 'HK0001' });
    expect(await a.next()).toEqual({ action: '1', toId: 'HK0001' });
    const b = await t.client();
    b.send({ action: '1', fromId: 'HK0002' });
    expect(await b.next()).toEqual({ action: '1', toId: 'HK0002' });

    // 二、获取ID: a fresh server hands out exactly the seed's ids
    a.send({ action: '2', fromId: 'HK0001' });
    expect(await a.next()).toEqual({
      action: '2',
      toId: 'HK0001',
      chatMsg: {
        message:
          'MSG000001,MSG000002,MSG000003,MSG000004,MSG000005,MSG000006,MSG000007,MSG000008,MSG000009,MSG000010',
      },
    });

    // 三、发送消息
    a.send({
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
    });
    // 四、消息确认 (status 1) to the sender; additive fields carry the server's time
    const ack = await a.next();
    expect(ack).toMatchObject({
      action: '4',
      fromId: 'HK0002',
      toId: 'HK0001',
      chatMsg: { id: 'MSG000001', status: 1 },
    });
    expect(ack.chatMsg.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const delivered = await b.next();
    expect(delivered).toEqual({
      action: '3',
      fromId: 'HK0001',
      toId: 'HK0002',
      chatMsg: {
        id: 'MSG000001',
        type: 0,
        message: '自定义文本消息',
        status: 1,
        time: ack.chatMsg.time,
        ts: ack.chatMsg.ts,
        seq: 1,
      },
    });
    // the time is the server's, in the configured zone (UTC+8, no DST)
    const shanghai = new Date(ack.chatMsg.ts + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(ack.chatMsg.time).toBe(shanghai);

    // 四、已读 (status 2): forwarded to the sender as sent
    const receipt = {
      action: '4',
      fromId: 'HK0002',
      toId: 'HK0001',
      chatMsg: { id: 'MSG000001', status: 2 },
    };
    b.send(receipt);
    expect(await a.next()).toEqual(receipt);

    // 五、心跳
    a.send({ action: '5', fromId: 'HK0001' });
    expect(await a.next()).toEqual({ action: '5', toId: 'HK0001' });

    // 十一、获取联系人列表（全量）
    a.send({ action: '11', fromId: 'HK0001' });
    expect(await a.next()).toEqual({
      action: '11',
      toId: 'HK0001',
      contacts: [
        { toId: 'HK0002', toName: '张三' },
        { toId: 'HK0003', toName: '李四' },
      ],
    });

    // 十二、获取历史消息 (statuses are current: the message has been read)
    a.send({ action: '12', fromId: 'HK0001', toId: 'HK0002', pageSize: 10 });
    expect(await a.next()).toEqual({
      action: '12',
      fromId: 'HK0001',
      toId: 'HK0002',
      historyMsgs: [
        {
          fromId: 'HK0001',
          toId: 'HK0002',
          chatMsg: {
            id: 'MSG000001',
            type: 0,
            message: '自定义文本消息',
            status: 2,
            time: ack.chatMsg.time,
            ts: ack.chatMsg.ts,
          },
        },
      ],
    });
    // with baseMsgId = the first message: nothing before it
    a.send({ action: '12', fromId: 'HK0001', toId: 'HK0002', baseMsgId: 'MSG000001', pageSize: 10 });
    expect(await a.next()).toEqual({ action: '12', fromId: 'HK0001', toId: 'HK0002', historyMsgs: [] });
  });
});
