import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL, pgQuery } from './helpers/postgres.js';
import type { Frame } from './helpers/test-client.js';
import { startTestServer, tempDir } from './helpers/test-server.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const ids = (frames: Frame[]): string[] => frames.map((f) => f.chatMsg.id);

describe('a Parley server on PostgreSQL', () => {
  it('chats: ids, send, ack, deliver, read receipt, history, backlog on reconnect, restart', async () => {
    const schema = freshSchema();
    const config = { databaseUrl: PG_URL, databaseSchema: schema };
    const t = await startTestServer(config);
    const b = await t.connect('bob');
    const a = await t.connect('alice');
    const m1 = await a.say('bob', 'hi bob');
    expect(m1.ack).toMatchObject({
      action: '4',
      fromId: 'bob',
      toId: 'alice',
      chatMsg: { id: m1.id, status: 1 },
    });
    expect(await b.nextAction('3')).toMatchObject({
      fromId: 'alice',
      chatMsg: { id: m1.id, message: 'hi bob' },
    });
    // read receipt
    const receipt = { action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id: m1.id, status: 2 } };
    b.send(receipt);
    expect(await a.nextAction('4')).toEqual(receipt);
    const m2 = await b.say('alice', 'hi alice');
    expect((await a.nextAction('3')).chatMsg).toMatchObject({ id: m2.id, message: 'hi alice' });
    // alice confirms receipt (status 1): no longer pending for her
    a.send({ action: '4', fromId: 'alice', toId: 'bob', chatMsg: { id: m2.id, status: 1 } });
    // history, oldest first, from the per-user timeline
    const h = await a.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(ids(h.historyMsgs)).toEqual([m1.id, m2.id]);
    // bob goes offline; what alice sends meanwhile is replayed in order after his next connect
    await b.close();
    const offline: string[] = [];
    for (let i = 0; i < 3; i++) offline.push((await a.say('bob', `later ${i}`)).id);
    const b2 = await t.client();
    // a client that confirms: what it does not confirm stays pending
    expect(await b2.connect('bob', { confirms: true })).toEqual({ action: '1', toId: 'bob' });
    const replay = [await b2.next(), await b2.next(), await b2.next()];
    expect(replay.map((f) => [f.action, f.chatMsg.id, f.chatMsg.message])).toEqual(
      offline.map((id, i) => ['3', id, `later ${i}`]),
    );
    expect(await b2.drain()).toEqual([]);
    // bob confirms two of them; the third stays pending and comes again after the restart
    for (const id of offline.slice(0, 2))
      b2.send({ action: '4', fromId: 'bob', toId: 'alice', chatMsg: { id, status: 1 } });
    expect(await b2.drain()).toEqual([]);
    await b2.close();
    // the data is in the database: a restarted server has it, and hands out fresh ids
    await t.stop();
    const t2 = await startTestServer(config);
    const a2 = await t2.connect('alice');
    expect(await a2.drain()).toEqual([]); // nothing left pending for alice
    const h2 = await a2.request({ action: '12', fromId: 'alice', toId: 'bob' });
    expect(ids(h2.historyMsgs)).toEqual([m1.id, m2.id, ...offline]);
    const fresh = await a2.ids();
    for (const id of fresh) expect([m1.id, m2.id, ...offline]).not.toContain(id);
    const b3 = await t2.client();
    await b3.connect('bob');
    expect(ids((await b3.drain()).filter((f) => f.action === '3'))).toEqual([offline[2]]);
    const [row] = await pgQuery<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${schema}".messages`);
    expect(row!.n).toBe(5);
  });

  it('two nodes on one database: a message sent on one is delivered from the backlog on the other', async () => {
    const schema = freshSchema();
    const config = { databaseUrl: PG_URL, databaseSchema: schema };
    const [n1, n2] = await Promise.all([startTestServer(config), startTestServer(config)]);
    await (await n2.connect('bob')).close();
    const a = await n1.connect('alice');
    const sent = [(await a.say('bob', 'one')).id, (await a.say('bob', 'two')).id];
    const b = await n2.client();
    await b.connect('bob');
    expect(ids([await b.next(), await b.next()])).toEqual(sent);
    // ids reserved on either node never collide
    const b2 = await n2.connect('carol');
    const both = [...(await a.ids()), ...(await b2.ids())];
    expect(new Set(both).size).toBe(both.length);
  });

  it('stops at start with a message naming the database host when it cannot be reached', async () => {
    await expect(
      startTestServer({ databaseUrl: 'postgres://parley@127.0.0.1:1/parley', databaseSchema: 'public' }),
    ).rejects.toThrow(/DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/parley/);
  });

  it('the built server exits with code 2 and names the host when the database is down', () => {
    const r = spawnSync(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATA_DIR: tempDir(),
        DATABASE_URL: 'postgres://parley:hunter2@127.0.0.1:1/parley',
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(r.error).toBeUndefined(); // not killed by the timeout
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/parley/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
