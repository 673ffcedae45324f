import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { admin } from '../../../server/test/helpers/admin.js';
import { onCleanup } from '../../../server/test/helpers/test-server.js';

/** Debian's Chromium (never a downloaded browser; `.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`).toBe(
    true,
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** One browser for the tests of a file: launched before them, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not launched yet (useBrowser runs in beforeAll)');
    return browser;
  };
}

export interface Person {
  page: Page;
  /** Uncaught page errors and console errors (a CSP violation is one), to be empty at the end. */
  errors: string[];
  /** Requests the page made to other origins (none expected). */
  foreign: string[];
}

/** A page in a context of its own (its own storage: another person), closed after the test. */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1100, height: 720 },
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  onCleanup(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  const origin = new URL(baseUrl).origin;
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|WebSocket connection to/.test(m.text()))
      errors.push(m.text());
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreign.push(url);
  });
  return { page, errors, foreign };
}

/** Signs in in open mode as `userId`, waiting for the signed-in screen. */
export async function signIn(person: Person, baseUrl: string, userId: string): Promise<void> {
  const { page } = person;
  await page.goto(baseUrl);
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('me').filter({ hasText: userId }).waitFor();
}

/** Creates users with names and makes each a contact of the others (admin API, open mode). */
export async function makeContacts(baseUrl: string, users: Record<string, string>): Promise<void> {
  const ids = Object.keys(users);
  for (const id of ids) await admin(baseUrl, 'PUT', `/v1/users/${id}`, { name: users[id] });
  for (const id of ids) {
    await admin(baseUrl, 'PUT', `/v1/users/${id}/contacts`, { contacts: ids.filter((o) => o !== id) });
  }
}

export function conversationItem(page: Page, peerId: string): Locator {
  return page.locator(`[data-conversation="direct:${peerId}"]`);
}

/** The list's row of the group named `name`. */
export function groupItem(page: Page, name: string): Locator {
  return page.locator('[data-conversation^="group:"]').filter({ hasText: name });
}

export async function openGroup(page: Page, name: string): Promise<void> {
  await groupItem(page, name).click();
  await page.locator(`.chat[aria-label="Group ${name}"]`).waitFor();
}

/** A group's membership line in the open chat ("Alice added Dave"). */
export function systemLine(page: Page, text: string): Locator {
  return page.getByTestId('system-line').filter({ hasText: text });
}

export async function openChat(page: Page, peerId: string): Promise<void> {
  await conversationItem(page, peerId).click();
  await page.locator('.chat').waitFor();
}

export async function typeAndSend(page: Page, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Message' });
  await field.fill(text);
  await field.press('Enter');
}

export function bubbles(page: Page): Locator {
  return page.getByTestId('message');
}

/** The bubble whose text contains `text`. */
export function bubble(page: Page, text: string): Locator {
  return bubbles(page).filter({ hasText: text });
}

/** Waits until the tick of a message of yours shows `state`. */
export async function tickOf(message: Locator, state: 'sending' | 'sent' | 'read' | 'failed'): Promise<void> {
  await message.locator(`[data-status="${state}"]`).waitFor();
}
