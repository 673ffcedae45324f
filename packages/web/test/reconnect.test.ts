import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ParleyClient } from '../../client/src/index.js';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import {
  bubble,
  bubbles,
  makeContacts,
  newPerson,
  openChat,
  signIn,
  tickOf,
  typeAndSend,
  useBrowser,
} from './helpers/browser.js';

const browser = useBrowser();

describe('the web client when the server goes away', () => {
  it('shows a banner while reconnecting and sends what was typed offline exactly once', async () => {
    const first = await startTestServer();
    const base = first.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob' });
    // bob is a Node client of the SDK: it counts every message event
    const bob = new ParleyClient({
      url: first.wsUrl,
      userId: 'bob',
      WebSocket,
      reconnectBaseMs: 20,
      reconnectMaxMs: 200,
    });
    onCleanup(() => bob.close());
    const received: string[] = [];
    const backOnline = new Promise<void>((resolve) =>
      bob.on('message', (m) => {
        received.push(m.chatMsg.message);
        if (m.chatMsg.message === 'back online') resolve();
      }),
    );
    await bob.connect();

    const alice = await newPerson(browser(), base);
    await signIn(alice, base, 'alice');
    await openChat(alice.page, 'bob');
    const banner = alice.page.getByTestId('reconnect-banner');
    expect(await banner.count()).toBe(0);

    await first.stop();
    await banner.waitFor();
    await typeAndSend(alice.page, 'typed while offline ✈️');
    const offline = bubble(alice.page, 'typed while offline');
    await tickOf(offline, 'sending');

    // the same port and data folder: the page finds its server again
    const second = await startTestServer({ port: first.server.port }, {}, first.dataDir);
    await banner.waitFor({ state: 'detached' });
    await tickOf(offline, 'sent');
    // a message after it: whatever came twice would come before this one
    await typeAndSend(alice.page, 'back online');
    await tickOf(bubble(alice.page, 'back online'), 'sent');
    await backOnline;

    expect(received.filter((m) => m === 'typed while offline ✈️')).toHaveLength(1);
    expect(await bubbles(alice.page).filter({ hasText: 'typed while offline' }).count()).toBe(1);
    // and the server stored it once
    const device = new ParleyClient({ url: second.wsUrl, userId: 'bob', WebSocket });
    onCleanup(() => device.close());
    await device.connect();
    const stored: string[] = [];
    for await (const page of device.history({ with: 'alice' }))
      stored.push(...page.map((e) => e.chatMsg.message));
    expect(stored.filter((m) => m.startsWith('typed while offline'))).toHaveLength(1);
    expect(alice.errors).toEqual([]);
  }, 40_000);
});
