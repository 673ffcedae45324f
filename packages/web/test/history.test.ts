import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ParleyClient } from '../../client/src/index.js';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { bubbles, conversationItem, makeContacts, newPerson, signIn, useBrowser } from './helpers/browser.js';

const browser = useBrowser();

const COUNT = 70;

describe('history in the web client', () => {
  it('opens on the newest messages and loads older pages as you scroll up', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob' });
    const bob = new ParleyClient({ url: t.wsUrl, userId: 'bob', WebSocket, maxFramesPerSecond: 0 });
    onCleanup(() => bob.close());
    await bob.connect();
    // alice's other device receives (and confirms) them: the page gets none in its backlog
    const device = new ParleyClient({ url: t.wsUrl, userId: 'alice', WebSocket });
    onCleanup(() => device.close());
    let got = 0;
    const delivered = new Promise<void>((resolve) =>
      device.on('message', () => {
        if (++got === COUNT) resolve();
      }),
    );
    await device.connect();
    await Promise.all(Array.from({ length: COUNT }, (_, i) => bob.send('alice', `message ${i + 1}`)));
    await delivered;
    await device.contacts(); // a round trip: its confirmations are in
    await device.close();
    const read = new Set<string>();
    const allRead = new Promise<void>((resolve) =>
      bob.on('status', (s) => {
        if (s.status === 2) read.add(s.id);
        if (read.size === COUNT) resolve();
      }),
    );

    const alice = await newPerson(browser(), base, { width: 900, height: 600 });
    await signIn(alice, base, 'alice');
    const item = conversationItem(alice.page, 'bob');
    await item
      .getByTestId('unread')
      .filter({ hasText: String(COUNT) })
      .waitFor();
    await item.click();
    const list = alice.page.locator('.messages');
    await bubbles(alice.page)
      .filter({ hasText: `message ${COUNT}` })
      .waitFor();
    const firstCount = await bubbles(alice.page).count();
    expect(firstCount).toBeLessThan(COUNT);
    // it opened at the bottom
    expect(await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(50);

    // scroll to the top until the beginning is reached; each page keeps the reading place
    const start = alice.page.getByText('Beginning of the conversation');
    while ((await start.count()) === 0) {
      const before = await bubbles(alice.page).count();
      const topText = await bubbles(alice.page).first().locator('.rich-text').innerText();
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await alice.page.waitForFunction(
        (n) =>
          document.querySelectorAll('[data-testid=message]').length > n ||
          document.body.innerText.includes('Beginning of the conversation'),
        before,
      );
      // the message that was at the top is still in view: the page went in above it
      const wasTop = list.getByText(topText, { exact: true });
      const [box, view] = await Promise.all([wasTop.boundingBox(), list.boundingBox()]);
      expect(box!.y).toBeGreaterThanOrEqual(view!.y - box!.height);
      expect(box!.y).toBeLessThan(view!.y + view!.height);
    }
    const texts = await bubbles(alice.page).locator('.rich-text').allInnerTexts();
    expect(texts).toEqual(Array.from({ length: COUNT }, (_, i) => `message ${i + 1}`));
    // opening the chat read everything: bob got a read receipt for each, the badge is gone
    await allRead;
    expect(await item.getByTestId('unread').count()).toBe(0);
    expect(alice.errors).toEqual([]);
  });
});
