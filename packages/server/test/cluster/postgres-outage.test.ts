import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL } from '../helpers/postgres.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';
import { textFrame } from '../helpers/test-client.js';
import { startTestServer } from '../helpers/test-server.js';

describe('a node whose PostgreSQL goes away', () => {
  it('acknowledges nothing it could not store, says so, and recovers when the database is back', async () => {
    const pg = new URL(PG_URL);
    const proxy = await tcpProxy(Number(pg.port || 5432), pg.hostname);
    pg.port = String(proxy.port);
    const t = await startTestServer({ databaseUrl: pg.toString(), databaseSchema: freshSchema() });
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    const ids = await alice.ids();
    const before = await alice.say('bob', 'before', ids[0]);
    expect(before.ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    await bob.nextAction('3');

    await proxy.cut();
    alice.send(textFrame('alice', 'bob', ids[1]!, 'while down'));
    const answer = await alice.next((f) => f.chatMsg?.id === ids[1] || f.ref?.id === ids[1], 20_000);
    expect(answer).toMatchObject({ action: '0', code: 'INTERNAL' }); // an error, never an ack

    await proxy.restore();
    // the client sends again with the same id once the server works again
    const again = await alice.say('bob', 'while down', ids[1]);
    expect(again.ack).toMatchObject({ action: '4', chatMsg: { id: ids[1], status: 1 } });
    expect((await bob.nextAction('3')).chatMsg).toMatchObject({ id: ids[1], message: 'while down' });
    const h = await alice.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(h.historyMsgs.map((e: { chatMsg: { id: string } }) => e.chatMsg.id)).toEqual([ids[0], ids[1]]);
  }, 60_000);
});
