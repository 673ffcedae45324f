import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { connectClient, inbox } from './helpers.js';

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

/** Serves the page and the packages' built files. */
async function startStatic(): Promise<string> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
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
});
