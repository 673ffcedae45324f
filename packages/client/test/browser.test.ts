import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { connectClient, inbox, record } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));

/** The page: the built SDK as plain ES modules, its one dependency mapped by an import map. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>Parley SDK in a browser</title>
<script type="importmap">{ "imports": { "@parley/protocol": "/protocol/dist/index.js" } }</script>
<script type="module">
  import { ParleyClient } from '/client/dist/index.js';
  const params = new URLSearchParams(location.search);
  const client = new ParleyClient({ url: params.get('ws'), userId: 'web' }); // the global WebSocket
  window.received = [];
  client.on('message', (m) => window.received.push(m.chatMsg.message));
  await client.connect();
  window.sent = await client.send('node', 'from the browser 😀 𠀀');
  const earlier = [];
  for await (const page of client.history({ with: 'node' })) earlier.unshift(...page.map((e) => e.chatMsg.message));
  window.earlier = earlier;
</script>`;

/** A device of user `me` in the browser: records what it sees, sends on request. */
const DEVICE_PAGE = `<!doctype html><meta charset="utf-8"><title>Parley: a second device</title>
<script type="importmap">{ "imports": { "@parley/protocol": "/protocol/dist/index.js" } }</script>
<script type="module">
  import { ParleyClient } from '/client/dist/index.js';
  const params = new URLSearchParams(location.search);
  const client = new ParleyClient({ url: params.get('ws'), userId: 'me' });
  window.seen = [];
  window.reads = [];
  client.on('message', (m) => window.seen.push([m.fromId, m.chatMsg.id, m.chatMsg.message]));
  client.on('status', (s) => { if (s.status === 2) window.reads.push([s.fromId, s.id]); });
  await client.connect();
  window.ready = true;
  window.send = (text) => client.send('friend', text).then((r) => r.id);
</script>`;

/** Serves the pages and the packages' built files. */
async function startStatic(): Promise<string> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/' || url.pathname === '/device') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(url.pathname === '/' ? PAGE : DEVICE_PAGE);
      return;
    }
    const file = path.join(PACKAGES, path.normalize(url.pathname));
    if (!file.startsWith(PACKAGES) || !file.endsWith('.js')) {
      res.writeHead(404).end();
      return;
    }
    try {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the SDK in a real browser', () => {
  it('connects, sends, receives and pages history from headless Chromium', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`).toBe(
      true,
    );
    const t = await startTestServer();
    const node = await connectClient(t.wsUrl, 'node');
    const nodeInbox = inbox(node);
    const site = await startStatic();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    onCleanup(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site}/?ws=${encodeURIComponent(t.wsUrl)}`);

    await nodeInbox.until(1);
    expect(nodeInbox.messages[0]!.chatMsg.message).toBe('from the browser 😀 𠀀');
    const sent = await page.waitForFunction(() => (window as unknown as { sent?: { id: string } }).sent);
    expect(await sent.jsonValue()).toMatchObject({ id: nodeInbox.messages[0]!.chatMsg.id });

    await node.send('web', 'to the browser 👋');
    await page.waitForFunction(() => (window as unknown as { received: string[] }).received.length === 1);
    expect(await page.evaluate(() => (window as unknown as { received: string[] }).received)).toEqual([
      'to the browser 👋',
    ]);
    const earlier = await page.waitForFunction(() => (window as unknown as { earlier?: string[] }).earlier);
    expect(await earlier.jsonValue()).toContain('from the browser 😀 𠀀');
    expect(errors).toEqual([]);
  });

  it('shows one conversation on three devices of one user: two in Node, one in the browser', async () => {
    const t = await startTestServer();
    const friend = await connectClient(t.wsUrl, 'friend');
    const laptop = await connectClient(t.wsUrl, 'me');
    const phone = await connectClient(t.wsUrl, 'me');
    const site = await startStatic();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    onCleanup(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site}/device?ws=${encodeURIComponent(t.wsUrl)}`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready);
    type Seen = [string, string, string];
    const seenIn = (c: typeof laptop): Seen[] => {
      const list: Seen[] = [];
      c.on('message', (m) => list.push([m.fromId, m.chatMsg.id, m.chatMsg.message]));
      return list;
    };
    const onLaptop = seenIn(laptop);
    const onPhone = seenIn(phone);
    const friendInbox = inbox(friend);

    const hello = await friend.send('me', 'hello, all of you');
    const fromLaptop = await laptop.send('friend', 'typed on the laptop');
    const fromBrowserId = await page.evaluate(() =>
      (window as unknown as { send: (t: string) => Promise<string> }).send('typed in the browser 🌐'),
    );
    await friendInbox.until(2);
    // every device shows the same three messages: the friend's, and both of its own
    const expected = (own: string[]): Seen[] => [
      ['friend', hello.id, 'hello, all of you'] as Seen,
      ...[
        ['me', fromLaptop.id, 'typed on the laptop'] as Seen,
        ['me', fromBrowserId, 'typed in the browser 🌐'] as Seen,
      ].filter(([, id]) => !own.includes(id)),
    ];
    await expect.poll(() => onPhone).toEqual(expected([]));
    await expect.poll(() => onLaptop).toEqual(expected([fromLaptop.id]));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { seen: Seen[] }).seen))
      .toEqual(expected([fromBrowserId]));
    // a read on the phone reaches the friend and the other two devices
    const laptopStatuses = record(laptop, 'status');
    phone.markRead({ fromId: 'friend', toId: 'me', chatMsg: { id: hello.id } });
    await expect
      .poll(() => laptopStatuses.filter((x) => x.status === 2).map((x) => [x.fromId, x.id]))
      .toEqual([['me', hello.id]]);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { reads: [string, string][] }).reads))
      .toEqual([['me', hello.id]]);
    expect(errors).toEqual([]);
  });
});
