import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ParleyClient } from '../../client/src/index.js';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import {
  conversationItem,
  groupItem,
  makeContacts,
  newPerson,
  signIn,
  useBrowser,
} from './helpers/browser.js';

const browser = useBrowser();

/** Title, preview and unread badge of each row of the list, top to bottom. */
async function rows(page: Page): Promise<string[]> {
  return page.locator('[data-conversation]').evaluateAll((els) =>
    els.map((el) => {
      const title = el.querySelector('.conversation-title')?.textContent ?? '';
      const preview = el.querySelector('[data-testid=preview]')?.cloneNode(true) as Element | undefined;
      for (const tick of Array.from(preview?.querySelectorAll('svg') ?? [])) tick.remove();
      const unread = el.querySelector('[data-testid=unread]')?.firstChild?.textContent ?? '0';
      return `${title} | ${preview?.textContent ?? ''} | ${unread}`;
    }),
  );
}

describe('the conversation list in the web client', () => {
  it('comes from the server: 1:1 and groups newest first with previews and unread counts, the same after a reload', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob', carol: 'Carol', dave: 'Dave', erin: 'Erin' });
    const client = async (userId: string) => {
      const c = new ParleyClient({ url: t.wsUrl, userId, WebSocket });
      onCleanup(() => c.close());
      await c.connect();
      return c;
    };
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map(client));
    await bob!.send('alice', 'hello alice');
    await alice!.send('bob', 'hi bob, one sec');
    const club = await carol!.createGroup('Book club 📚', ['alice', 'bob']);
    await carol!.send(club.id, 'chapter 3 tonight');
    await dave!.send('alice', 'lunch?');
    await dave!.send('alice', 'at noon');
    await bob!.createGroup('Climbing', ['alice', 'dave']); // joined last, no message yet
    await alice!.close(); // the page is alice now

    const page = (await newPerson(browser(), base)).page;
    await signIn({ page, errors: [], foreign: [] }, base, 'alice');
    const expected = [
      'Climbing | No messages yet | 0',
      'Dave | at noon | 2',
      'Book club 📚 | Carol: chapter 3 tonight | 1',
      // alice answered without reading: bob's message is still unread
      'Bob | hi bob, one sec | 1',
      // contacts never talked to, once the whole list is in
      'Carol | No messages yet | 0',
      'Erin | No messages yet | 0',
    ];
    await conversationItem(page, 'erin').waitFor();
    expect(await rows(page)).toEqual(expected);
    await page.reload();
    await conversationItem(page, 'erin').waitFor();
    expect(await rows(page)).toEqual(expected);

    // new activity moves a conversation to the top, live
    await bob!.send(club.id, 'I will bring snacks');
    await groupItem(page, 'Book club').getByTestId('unread').filter({ hasText: '2' }).waitFor();
    expect((await rows(page))[0]).toBe('Book club 📚 | Bob: I will bring snacks | 2');
  });

  it('pages through a long list as it is scrolled', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    const COUNT = 45;
    await makeContacts(base, { alice: 'Alice' });
    // alice's other device takes them: the page gets none live, only the server's list
    const device = new ParleyClient({ url: t.wsUrl, userId: 'alice', WebSocket });
    onCleanup(() => device.close());
    let got = 0;
    const delivered = new Promise<void>((resolve) =>
      device.on('message', () => {
        if (++got === COUNT) resolve();
      }),
    );
    await device.connect();
    for (let i = 1; i <= COUNT; i++) {
      const c = new ParleyClient({ url: t.wsUrl, userId: `u${String(i).padStart(2, '0')}`, WebSocket });
      onCleanup(() => c.close());
      await c.connect();
      await c.send('alice', `message ${i}`);
      await c.close();
    }
    await delivered;
    await device.contacts(); // a round trip: its confirmations are in
    await device.close();
    const person = await newPerson(browser(), base, { width: 900, height: 600 });
    await signIn(person, base, 'alice');
    const { page } = person;
    await conversationItem(page, 'u45').waitFor();
    const firstPage = await page.locator('[data-conversation]').count();
    expect(firstPage).toBeLessThan(COUNT);
    const list = page.locator('.list-scroll');
    while ((await page.locator('[data-conversation]').count()) < COUNT) {
      const before = await page.locator('[data-conversation]').count();
      await list.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForFunction((n) => document.querySelectorAll('[data-conversation]').length > n, before);
    }
    const titles = await page.locator('.conversation-title').allInnerTexts();
    expect(titles).toEqual(Array.from({ length: COUNT }, (_, i) => `u${String(COUNT - i).padStart(2, '0')}`));
    expect(await page.getByRole('button', { name: 'Load more conversations' }).count()).toBe(0);
    expect(person.errors).toEqual([]);
  });
});
