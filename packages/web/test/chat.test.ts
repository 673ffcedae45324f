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

const TEXT = '你好 👋 𠀀 see https://example.com/a?b=1.';
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

describe('the web client, two people in two browser contexts', () => {
  it('chats: preview and unread badge, ticks from sending to read, typing, recall, text intact and inert', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob' });
    const alice = await newPerson(browser(), base);
    const bob = await newPerson(browser(), base);
    await signIn(alice, base, 'alice');
    await signIn(bob, base, 'bob');

    // contacts show in the list before any message
    await conversationItem(alice.page, 'bob').filter({ hasText: 'Bob' }).waitFor();
    await openChat(alice.page, 'bob');
    await typeAndSend(alice.page, TEXT);
    const mine = bubble(alice.page, '你好');
    await tickOf(mine, 'sent');

    // bob: the conversation moves up with a preview and an unread badge
    const fromAlice = conversationItem(bob.page, 'alice');
    await fromAlice.getByTestId('unread').filter({ hasText: '1' }).waitFor();
    expect(await fromAlice.getByTestId('preview').innerText()).toContain('你好 👋 𠀀');

    // bob types: alice sees it; bob opens the chat: alice's tick turns to read
    await openChat(bob.page, 'alice');
    await bob.page.getByRole('textbox', { name: 'Message' }).pressSequentially('hi');
    await alice.page.getByTestId('typing').waitFor();
    await tickOf(mine, 'read');
    await fromAlice.getByTestId('unread').waitFor({ state: 'detached' });

    // the text arrived exactly as typed, its link is a link that opens elsewhere without referrer
    const received = bubble(bob.page, '你好');
    expect(await received.locator('.rich-text').innerText()).toBe(TEXT);
    const link = received.getByRole('link');
    expect(await link.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(await link.getAttribute('rel')).toContain('noopener');

    // markup in a message is text, never run
    await typeAndSend(bob.page, HOSTILE);
    const shown = bubble(alice.page, 'onerror');
    await shown.waitFor();
    expect(await shown.locator('.rich-text').innerText()).toBe(HOSTILE);
    expect(await shown.locator('img, script').count()).toBe(0);
    expect(await alice.page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    // alice has the chat open and visible: bob's message is read at once
    await tickOf(bubble(bob.page, 'onerror'), 'read');
    await alice.page.getByTestId('typing').waitFor({ state: 'detached' });

    // alice recalls her first message: gone on both sides
    await mine.getByRole('button', { name: 'Recall' }).click();
    await bob.page.locator('[data-testid=message][data-recalled=true]').waitFor();
    expect(await bubbles(bob.page).filter({ hasText: '你好' }).count()).toBe(0);
    await alice.page.locator('[data-testid=message][data-recalled=true]').waitFor();

    for (const p of [alice, bob]) {
      expect(p.errors).toEqual([]);
      expect(p.foreign).toEqual([]);
    }
  });

  it('asks for a contact, the other accepts, and they chat on a phone-sized screen', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    const phone = { width: 390, height: 760 };
    const carol = await newPerson(browser(), base, phone);
    const dave = await newPerson(browser(), base, phone);
    await signIn(carol, base, 'carol');
    await signIn(dave, base, 'dave');

    await carol.page.getByRole('tab', { name: 'Contacts' }).click();
    const form = carol.page.locator('form', { hasText: 'Add a contact' });
    await form.getByLabel('User id').fill('dave');
    await form.getByLabel('Message (optional)').fill('我是 carol');
    await form.getByRole('button', { name: 'Send request' }).click();
    await carol.page.getByTestId('outgoing-request').filter({ hasText: 'dave' }).waitFor();

    await dave.page.getByRole('tab', { name: /Contacts/ }).click();
    const request = dave.page.getByTestId('incoming-request').filter({ hasText: 'carol' });
    await request.filter({ hasText: '我是 carol' }).waitFor();
    await request.getByRole('button', { name: 'Accept' }).click();
    await dave.page.locator('[data-contact=carol]').waitFor();
    await carol.page.locator('[data-contact=dave]').waitFor();
    await carol.page.getByTestId('outgoing-request').waitFor({ state: 'detached' });

    // on a phone the chat replaces the list; Back returns to it
    await dave.page.locator('[data-contact=carol]').getByRole('button', { name: 'Chat' }).click();
    await dave.page.locator('.chat').waitFor();
    expect(await dave.page.locator('.sidebar').isVisible()).toBe(false);
    await typeAndSend(dave.page, 'hello carol');
    await tickOf(bubble(dave.page, 'hello carol'), 'sent');
    await dave.page.getByRole('button', { name: 'Back to conversations' }).click();
    await conversationItem(dave.page, 'carol').filter({ hasText: 'hello carol' }).waitFor();

    await carol.page.getByRole('tab', { name: /Chats/ }).click();
    await conversationItem(carol.page, 'dave').getByTestId('unread').waitFor();
    expect(carol.errors).toEqual([]);
    expect(dave.errors).toEqual([]);
  });
});
