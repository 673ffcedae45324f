import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup, startTestServer } from '../../server/test/helpers/test-server.js';
import { newPerson, useBrowser } from './helpers/browser.js';

const browser = useBrowser();

const SECRET = 'a-secret-of-at-least-32-characters!!';

/**
 * The app's backend, on another origin: it knows its user from its own cookie and asks Parley for
 * a token with the app secret (POST /v1/tokens), as WEB_TOKEN_URL expects.
 */
async function startAppBackend(parley: { url: string }): Promise<string> {
  const server = createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    const user = /(?:^|;\s*)app_user=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!user) {
      res.writeHead(401).end();
      return;
    }
    const issued = await fetch(`${parley.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user }),
    });
    res.writeHead(issued.status, { 'content-type': 'application/json' }).end(await issued.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('signing in to the web client with APP_SECRET set', () => {
  it("asks the app's token URL and signs in as the user it names; without an app session it says so", async () => {
    const parley = { url: '' };
    const backend = await startAppBackend(parley);
    const t = await startTestServer({ appSecret: SECRET, webTokenUrl: `${backend}/parley-token` });
    parley.url = t.server.url;

    const stranger = await newPerson(browser(), t.server.url);
    await stranger.page.goto(t.server.url);
    await stranger.page.getByText('sign in to the app first').waitFor();

    const erin = await newPerson(browser(), t.server.url);
    await erin.page.context().addCookies([{ name: 'app_user', value: 'erin', url: backend }]);
    await erin.page.goto(t.server.url);
    await erin.page.getByTestId('me').filter({ hasText: 'erin' }).waitFor();
    await erin.page.locator('.connection.connected').waitFor();
    expect(await erin.page.getByLabel('User id').count()).toBe(0);
    expect(erin.errors).toEqual([]);
  });
});
