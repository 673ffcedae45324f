import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ParleyClient } from '../../client/src/index.js';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import {
  bubble,
  bubbles,
  groupItem,
  makeContacts,
  newPerson,
  openChat,
  openGroup,
  signIn,
  systemLine,
  tickOf,
  typeAndSend,
  useBrowser,
} from './helpers/browser.js';

const browser = useBrowser();

const NAME = 'Trip 🏔';

describe('groups in the web client, three people in three browser contexts', () => {
  it('creates a group, messages reach everyone, read counts grow, unread counts survive a reload, a removed member cannot post', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob', carol: 'Carol' });
    const alice = await newPerson(browser(), base);
    const bob = await newPerson(browser(), base);
    const carol = await newPerson(browser(), base);
    await signIn(alice, base, 'alice');
    await signIn(bob, base, 'bob');
    await signIn(carol, base, 'carol');

    // alice creates it with her two contacts, and lands in it
    await alice.page.getByRole('button', { name: 'New group' }).click();
    await alice.page.getByLabel('Group name').fill(NAME);
    await alice.page.getByRole('checkbox', { name: /Bob/ }).check();
    await alice.page.getByRole('checkbox', { name: /Carol/ }).check();
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.locator(`.chat[aria-label="Group ${NAME}"]`).waitFor();
    await systemLine(alice.page, `You created the group “${NAME}”`).waitFor();

    // each of the others sees it in the list
    for (const p of [bob, carol]) await groupItem(p.page, NAME).waitFor();

    await typeAndSend(alice.page, 'hello from alice');
    const first = bubble(alice.page, 'hello from alice');
    await tickOf(first, 'sent');
    const bobsRow = groupItem(bob.page, NAME);
    await bobsRow.getByTestId('unread').filter({ hasText: '1' }).waitFor();
    expect(await bobsRow.getByTestId('preview').innerText()).toContain('Alice:');

    // read counts go up as the others open the chat
    await openGroup(bob.page, NAME);
    await systemLine(bob.page, `Alice created the group “${NAME}”`).waitFor();
    await first.getByTestId('read-count').filter({ hasText: 'read by 1' }).waitFor();
    await bobsRow.getByTestId('unread').waitFor({ state: 'detached' });
    await openGroup(carol.page, NAME);
    await first.getByTestId('read-count').filter({ hasText: 'read by 2' }).waitFor();

    // everyone's messages reach the other two, with the sender's name; typing shows who
    await typeAndSend(bob.page, 'bob here');
    await typeAndSend(carol.page, 'carol here');
    for (const p of [alice, bob, carol]) {
      await bubble(p.page, 'bob here').waitFor();
      await bubble(p.page, 'carol here').waitFor();
    }
    expect(await bubble(alice.page, 'bob here').locator('.sender').innerText()).toBe('Bob');
    expect(await bubble(bob.page, 'bob here').locator('.sender').count()).toBe(0);
    await tickOf(bubble(bob.page, 'bob here'), 'sent');
    // alice and carol had the chat open: bob's message is read by both
    await bubble(bob.page, 'bob here').getByTestId('read-count').filter({ hasText: 'read by 2' }).waitFor();
    await carol.page.getByRole('textbox', { name: 'Message' }).pressSequentially('…');
    await alice.page.getByTestId('typing').filter({ hasText: 'Carol is typing' }).waitFor();
    await carol.page.getByRole('textbox', { name: 'Message' }).fill('');

    // carol looks elsewhere; what comes meanwhile is unread, counted by the server across a reload
    await openChat(carol.page, 'alice');
    await typeAndSend(alice.page, 'unread one');
    await typeAndSend(alice.page, 'unread two');
    const carolsRow = groupItem(carol.page, NAME);
    await carolsRow.getByTestId('unread').filter({ hasText: '2' }).waitFor();
    await carol.page.reload();
    await carolsRow.getByTestId('unread').filter({ hasText: '2' }).waitFor();
    expect(await carolsRow.getByTestId('preview').innerText()).toContain('unread two');
    await openGroup(carol.page, NAME);
    await bubble(carol.page, 'unread two').waitFor();
    await carolsRow.getByTestId('unread').waitFor({ state: 'detached' });
    await bubble(alice.page, 'unread two')
      .getByTestId('read-count')
      .filter({ hasText: 'read by 2' })
      .waitFor();
    await carol.page.reload();
    await carol.page.locator(`.chat[aria-label="Group ${NAME}"]`).waitFor();
    await bubble(carol.page, 'unread two').waitFor();
    expect(await carolsRow.getByTestId('unread').count()).toBe(0);

    // the info panel: members with roles; alice (owner) removes carol
    await alice.page.getByRole('button', { name: 'Group info' }).click();
    const panel = alice.page.getByTestId('group-info');
    await panel.locator('[data-member=alice]').filter({ hasText: 'Owner' }).waitFor();
    await panel.locator('[data-member=carol]').filter({ hasText: 'Member' }).waitFor();
    await panel.getByRole('button', { name: 'Remove Carol from the group' }).click();
    await panel.locator('[data-member=carol]').waitFor({ state: 'detached' });
    await alice.page.getByRole('button', { name: 'Back to chat' }).click();
    await systemLine(alice.page, 'You removed Carol').waitFor();
    await systemLine(bob.page, 'Alice removed Carol').waitFor();

    // carol sees it and can no longer post; what follows does not reach her
    await systemLine(carol.page, 'Alice removed you').waitFor();
    await carol.page.getByTestId('not-member').waitFor();
    expect(await carol.page.getByRole('textbox', { name: 'Message' }).count()).toBe(0);
    await typeAndSend(alice.page, 'just us now');
    await bubble(bob.page, 'just us now').waitFor();
    await bubble(alice.page, 'just us now')
      .getByTestId('read-count')
      .filter({ hasText: 'read by 1' })
      .waitFor();
    expect(await bubbles(carol.page).filter({ hasText: 'just us now' }).count()).toBe(0);

    // files as in 1:1; alice recalls her last message: gone for bob too
    await alice.page.getByTestId('file-input').setInputFiles({
      name: '行程.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('day 1: the lake'),
    });
    await bob.page.getByTestId('file-link').filter({ hasText: '行程.txt' }).waitFor();
    await bubble(alice.page, 'just us now').getByRole('button', { name: 'Recall' }).click();
    await bob.page.locator('[data-testid=message][data-recalled=true]').waitFor();
    expect(await bubbles(bob.page).filter({ hasText: 'just us now' }).count()).toBe(0);

    for (const p of [alice, bob, carol]) {
      expect(p.errors).toEqual([]);
      expect(p.foreign).toEqual([]);
    }
  }, 60_000);

  it('on a phone: adds, renames, refusals said clearly (a bad id, an unknown user, muted), a plain member without controls, leaving', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob', dave: 'Dave' });
    const phone = { width: 390, height: 760 };
    const alice = await newPerson(browser(), base, phone);
    await signIn(alice, base, 'alice');
    const bob = await newPerson(browser(), base, phone);
    await signIn(bob, base, 'bob');

    // the form replaces the list, the chat replaces the form
    await alice.page.getByRole('button', { name: 'New group' }).click();
    await alice.page.getByLabel('Group name').fill('Team');
    await alice.page.getByLabel('Other user ids').fill('bob, not/an/id');
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.getByRole('alert').filter({ hasText: '“not/an/id” is not a user id' }).waitFor();
    await alice.page.getByLabel('Other user ids').fill('bob');
    await alice.page.getByRole('button', { name: 'Create group' }).click();
    await alice.page.locator('.chat[aria-label="Group Team"]').waitFor();
    expect(await alice.page.locator('.sidebar').isVisible()).toBe(false);
    const groupId = decodeURIComponent(new URL(alice.page.url()).hash.replace('#/chat/', ''));
    expect(groupId).toMatch(/^~/);

    // the owner's panel: an unknown user is refused and said so; dave is added; a new name
    await alice.page.getByRole('button', { name: 'Group info' }).click();
    const panel = alice.page.getByTestId('group-info');
    await panel.getByLabel('Other user ids').fill('nobody');
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await panel.getByTestId('group-error').filter({ hasText: 'There is no such user.' }).waitFor();
    await panel.getByLabel('Other user ids').fill('');
    await panel.getByRole('checkbox', { name: /Dave/ }).check();
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await panel.locator('[data-member=dave]').waitFor();
    await panel.getByLabel('Group name').fill('Team 2');
    await panel.getByRole('button', { name: 'Rename' }).click();
    await alice.page.getByRole('heading', { name: 'Team 2' }).waitFor();
    await alice.page.getByRole('button', { name: 'Back to chat' }).click();
    await systemLine(alice.page, 'You added Dave').waitFor();
    await systemLine(alice.page, 'You renamed the group to “Team 2”').waitFor();

    // bob, a plain member: members and roles, no rename, add or remove
    await openGroup(bob.page, 'Team 2');
    await systemLine(bob.page, 'Alice added Dave').waitFor();
    await bob.page.getByRole('button', { name: 'Group info' }).click();
    const bobsPanel = bob.page.getByTestId('group-info');
    await bobsPanel.locator('[data-member=alice]').filter({ hasText: 'Owner' }).waitFor();
    expect(await bobsPanel.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await bobsPanel.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    await bob.page.getByRole('button', { name: 'Back to chat' }).click();

    // alice mutes bob from another device: bob's message is refused, and he is told why
    const device = new ParleyClient({ url: t.wsUrl, userId: 'alice', WebSocket });
    onCleanup(() => device.close());
    await device.connect();
    await device.mute(groupId, 'bob');
    await systemLine(bob.page, 'Alice muted you').waitFor();
    await typeAndSend(bob.page, 'may I?');
    const refused = bubble(bob.page, 'may I?');
    await tickOf(refused, 'failed');
    expect(await refused.locator('.failed-reason').innerText()).toContain('muted');

    // bob leaves through the panel
    await bob.page.getByRole('button', { name: 'Group info' }).click();
    await bobsPanel.getByRole('button', { name: 'Leave group' }).click();
    await bobsPanel.getByRole('button', { name: 'Leave', exact: true }).click();
    await bobsPanel.getByText('You are no longer a member of this group.').first().waitFor();
    await bob.page.getByRole('button', { name: 'Back to chat' }).click();
    await systemLine(bob.page, 'You left').waitFor();
    await bob.page.getByTestId('not-member').waitFor();
    await systemLine(alice.page, 'Bob left').waitFor();
    expect(await bubbles(alice.page).filter({ hasText: 'may I?' }).count()).toBe(0);
    for (const p of [alice, bob]) expect(p.errors).toEqual([]);
  }, 40_000);
});
