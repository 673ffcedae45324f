import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/config.js';
import { type Frame, type TestClient, textFrame } from '../helpers/test-client.js';
import { startTestServer } from '../helpers/test-server.js';
import {
  type Reply,
  WEBHOOK_TEST_SECRET,
  type WebhookEvent,
  webhookReceiver,
} from '../helpers/webhook-receiver.js';

const BEFORE = 'message.before_send';

function checked(url: string, more: Partial<ServerConfig> = {}): Partial<ServerConfig> {
  return {
    webhookUrl: url,
    webhookSecret: WEBHOOK_TEST_SECRET,
    webhookEvents: 'message.sent',
    webhookBeforeSend: true,
    ...more,
  };
}

/** Sends a text message and returns its answer: the ack (action 4) or the error (action 0). */
async function send(c: TestClient, to: string, message: string, id?: string): Promise<Frame> {
  const msgId = id ?? (await c.ids())[0]!;
  c.send(textFrame(c.userId!, to, msgId, message));
  return c.next(
    (f) => (f.action === '4' && f.chatMsg?.id === msgId) || (f.action === '0' && f.ref?.id === msgId),
  );
}

/** Answers the message checks with `verdict`, and everything else with 200. */
function verdicts(verdict: (e: WebhookEvent) => Reply | Promise<Reply>) {
  return (e: WebhookEvent): Reply | Promise<Reply> => (e.type === BEFORE ? verdict(e) : { status: 200 });
}

describe('before-send check (WEBHOOK_BEFORE_SEND)', () => {
  it('refuses a message the app rejects (REJECTED, its reason), stores one it allows, and rewrites one it moderates', async () => {
    const hook = await webhookReceiver();
    hook.reply = verdicts((e) => {
      const text: string = e.data.chatMsg.message;
      if (text.includes('spam')) return { status: 200, body: { allow: false, reason: 'no spam here' } };
      if (text.includes('darn'))
        return { status: 200, body: { allow: true, message: text.replace('darn', '****') } };
      return { status: 200, body: { allow: true } };
    });
    const t = await startTestServer(checked(hook.url));
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');

    const [id] = await alice.ids();
    const refused = await send(alice, 'bob', 'buy spam', id);
    expect(refused).toMatchObject({ action: '0', code: 'REJECTED', error: 'no spam here', ref: { id } });
    const check = hook.attempts.find((a) => a.event.type === BEFORE)!;
    expect(check.signatureValid).toBe(true);
    expect(check.event.data).toEqual({
      fromId: 'alice',
      toId: 'bob',
      chatMsg: { id, type: 0, message: 'buy spam', time: expect.any(String), ts: expect.any(Number) },
    });
    // the id was not used: it carries the next message
    expect(await send(alice, 'bob', 'hello', id)).toMatchObject({ action: '4', chatMsg: { id, status: 1 } });
    expect(await bob.nextAction('3')).toMatchObject({ chatMsg: { id, message: 'hello' } });

    const moderated = await send(alice, 'bob', 'darn it');
    expect(moderated.action).toBe('4');
    expect(await bob.nextAction('3')).toMatchObject({
      chatMsg: { id: moderated.chatMsg.id, message: '**** it' },
    });
    const sent = await hook.event(
      (e) => e.type === 'message.sent' && e.data.chatMsg.id === moderated.chatMsg.id,
    );
    expect(sent.data.chatMsg.message).toBe('**** it');
    // a retry of a stored message is not checked again, and is still the same message
    const checks = hook.attempts.filter((a) => a.event.type === BEFORE).length;
    expect(await send(alice, 'bob', 'darn it', moderated.chatMsg.id)).toMatchObject({ action: '4' });
    expect(hook.attempts.filter((a) => a.event.type === BEFORE).length).toBe(checks);
  });

  it('fails open by default: a check that times out or errs lets the message through', async () => {
    const hook = await webhookReceiver();
    let mode: 'hang' | 500 | 'junk' = 'hang';
    hook.reply = verdicts(() =>
      mode === 'hang' ? 'hang' : mode === 500 ? { status: 500 } : { status: 200, body: 'ok' },
    );
    const t = await startTestServer(checked(hook.url, { webhookBeforeSendTimeoutMs: 100 }));
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    for (const m of ['hang', 500, 'junk'] as const) {
      mode = m;
      const ack = await send(alice, 'bob', `when ${m}`);
      expect(ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
      expect(await bob.nextAction('3')).toMatchObject({ chatMsg: { message: `when ${m}` } });
    }
  });

  it('fails closed when told to: UNAVAILABLE, nothing stored', async () => {
    const hook = await webhookReceiver();
    hook.reply = verdicts(() => 'hang');
    const t = await startTestServer(
      checked(hook.url, { webhookBeforeSendTimeoutMs: 100, webhookBeforeSendFail: 'closed' }),
    );
    const alice = await t.connect('alice');
    await t.connect('bob');
    const refused = await send(alice, 'bob', 'anyone there?');
    expect(refused).toMatchObject({ action: '0', code: 'UNAVAILABLE' });
    await hook.down();
    expect(await send(alice, 'bob', 'and now?')).toMatchObject({ action: '0', code: 'UNAVAILABLE' });
    expect(await t.server.core.store.getMessage(Number(refused.ref.id.slice(3)))).toBeUndefined();
  });

  it("keeps a connection's messages in order when an earlier check answers later", async () => {
    const hook = await webhookReceiver();
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => {
      releaseFirst = r;
    });
    hook.reply = verdicts(async (e) => {
      if (e.data.chatMsg.message === 'first') await firstHeld;
      return { status: 200, body: { allow: true } };
    });
    const t = await startTestServer(checked(hook.url));
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    const ids = await alice.ids();
    alice.send(textFrame('alice', 'bob', ids[0]!, 'first'));
    alice.send(textFrame('alice', 'bob', ids[1]!, 'second'));
    alice.send(textFrame('alice', 'bob', ids[2]!, 'third'));
    // the later checks are answered before the first one is
    await hook.until(
      () => hook.attempts.filter((a) => a.event.type === BEFORE && a.status === 200).length === 2,
      'the checks of the 2nd and 3rd message answered',
    );
    releaseFirst();
    const acks = [await alice.nextAction('4'), await alice.nextAction('4'), await alice.nextAction('4')];
    expect(acks.map((a) => a.chatMsg.id)).toEqual(ids.slice(0, 3));
    const got = [await bob.nextAction('3'), await bob.nextAction('3'), await bob.nextAction('3')];
    expect(got.map((m) => [m.chatMsg.message, m.chatMsg.seq])).toEqual([
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ]);
  });
});
