import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import {
  bubble,
  bubbles,
  conversationItem,
  makeContacts,
  newPerson,
  openChat,
  signIn,
  tickOf,
  typeAndSend,
  useBrowser,
} from './helpers/browser.js';

const browser = useBrowser();

describe('blocking in the web client', () => {
  it('a blocked user’s message shows an error on its side and never reaches the blocker', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob' });
    const alice = await newPerson(browser(), base);
    const bob = await newPerson(browser(), base);
    await signIn(alice, base, 'alice');
    await signIn(bob, base, 'bob');

    await openChat(bob.page, 'alice');
    await bob.page.getByRole('button', { name: 'Block Alice' }).click();
    await bob.page.getByRole('button', { name: 'Unblock Alice' }).waitFor();
    await bob.page.getByTestId('chat-status').filter({ hasText: 'blocked' }).waitFor();

    await openChat(alice.page, 'bob');
    await typeAndSend(alice.page, 'can you hear me?');
    const refused = bubble(alice.page, 'can you hear me?');
    await tickOf(refused, 'failed');
    expect(await refused.locator('.failed-reason').innerText()).toContain('blocked you');

    // the block lasts across a reload; unblocked, the next message arrives and the refused one never
    await bob.page.reload();
    await bob.page.getByRole('button', { name: 'Unblock Alice' }).click();
    await bob.page.getByRole('button', { name: 'Block Alice' }).waitFor();
    await typeAndSend(alice.page, 'and now?');
    await tickOf(bubble(alice.page, 'and now?'), 'read');
    await bubble(bob.page, 'and now?').waitFor();
    expect(await bubbles(bob.page).filter({ hasText: 'can you hear me?' }).count()).toBe(0);
    expect(await conversationItem(bob.page, 'alice').getByTestId('preview').innerText()).toContain(
      'and now?',
    );
    for (const p of [alice, bob]) expect(p.errors).toEqual([]);
  });
});
