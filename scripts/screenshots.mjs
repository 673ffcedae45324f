// `npm run screenshots`: regenerates docs/screenshots/*.png of the web client.
//
// Builds, starts a server on a free port with a temporary data folder, fills it with a few users
// and messages through the SDK, and photographs the main screens in Debian's Chromium
// (/usr/bin/chromium; CJK text and color emoji need fonts such as fonts-wqy-microhei and
// fonts-noto-color-emoji). Nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
run([createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-b']);
run([path.join(ROOT, 'scripts/build-web.mjs'), '--if-stale', '--quiet']);

const { startServer } = await import('../packages/server/dist/index.js');
const { ParleyClient, createEnvelope, encodeEnvelope } = await import('../packages/client/dist/index.js');
const { default: WebSocket } = await import('ws');
const { pino } = await import('pino');
const { chromium } = await import('playwright-core');

/** A PNG of a soft two-color gradient, `w`×`h`. */
function png(w, h) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const t = (x / w + y / h) / 2;
      row.set([Math.round(255 - 120 * t), Math.round(170 + 40 * t), Math.round(90 + 150 * t)], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-screenshots-'));
const server = await startServer({ port: 0, dataDir }, { log: pino({ level: 'silent' }) });
const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
const clients = [];
const client = async (userId) => {
  const c = new ParleyClient({ url: wsUrl, userId, WebSocket });
  clients.push(c);
  await c.connect();
  return c;
};
const put = (p, body) =>
  fetch(`${server.url}${p}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

let browser;
try {
  const people = {
    alice: 'Alice Chen',
    bob: 'Bob Martin',
    lilei: '李雷',
    carol: 'Carol',
    dave: 'Dave',
    erin: 'Erin',
  };
  for (const [id, name] of Object.entries(people)) await put(`/v1/users/${id}`, { name });
  await put('/v1/users/alice/contacts', { contacts: ['bob', 'lilei', 'carol', 'dave'] });
  for (const id of ['bob', 'lilei', 'carol', 'dave'])
    await put(`/v1/users/${id}/contacts`, { contacts: ['alice'] });

  const alice = await client('alice');
  const aliceGot = [];
  alice.on('message', (m) => aliceGot.push(m));
  const bob = await client('bob');
  const dave = await client('dave');
  await dave.send('alice', 'Deploy went fine, thanks!');
  await alice.send('dave', 'Great 👍');
  const toRead = [];
  bob.on('message', (m) => toRead.push(m));
  await bob.send('alice', 'Hi Alice! Did you get the photos from the trip? 📸');
  await alice.send('bob', 'Yes! The one from the lake is lovely 😍');
  await alice.send('bob', 'The album is at https://example.com/albums/lake');
  await bob.sendFile('alice', png(480, 300), { name: 'lake.png', mime: 'image/png' });
  await bob.send('alice', '你好！Shall we go again next month? 🏔️');
  await alice.send('bob', 'Count me in. 下个月见！');
  const lilei = await client('lilei');
  await lilei.send('alice', '周末一起吃饭吗？🍜');
  const carol = await client('carol');
  await carol.send('alice', 'Are we still on for 3pm?');
  await carol.send('alice', 'I booked the small meeting room.');
  const design = await carol.createGroup('Design team', ['alice', 'erin']);
  await carol.send(design.id, 'Mockups for the new onboarding are up 🎨');
  await carol.close();

  // a group: bob made it, alice's message read by two, dave added later and unread for alice
  const trip = await bob.createGroup('Lake trip 🏔', ['alice', 'lilei']);
  await bob.send(trip.id, 'Who is in for the lake on Saturday? 🏕️');
  await lilei.send(trip.id, '我去！I will bring the tent ⛺');
  const readByTwo = new Promise((resolve) =>
    alice.on('groupRead', (r) => r.readCount === 2 && resolve(undefined)),
  );
  const mine = await alice.send(trip.id, 'Count me in 🙋 I can drive two people.');
  for (const reader of [bob, lilei])
    reader.markRead({ fromId: 'alice', toId: trip.id, chatMsg: { id: mine.id } });
  await readByTwo;
  await bob.addMembers(trip.id, ['dave']);
  await dave.send(trip.id, 'Room for one more? I have a car too 🚗');
  // alice read bob's and dave's 1:1 messages on another device
  for (const m of aliceGot)
    if (m.kind === 'user' && (m.fromId === 'bob' || m.fromId === 'dave')) alice.markRead(m);
  await alice.contacts(); // a round trip: the receipts are written
  await alice.close(); // the page is alice now (and gets the contact request below)
  const erin = await client('erin');
  await erin.addFriend('alice', 'Hi, I am Erin from the design team');
  await erin.close();
  // bob read everything of alice's but the last message
  const aliceMessages = (await firstPage(bob.history({ with: 'alice', pageSize: 20 }))).filter(
    (e) => e.fromId === 'alice',
  );
  for (const e of aliceMessages.slice(0, -1)) bob.markRead(e);
  await bob.contacts(); // a round trip: the receipts are in

  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const shoot = async (name, viewport, steps) => {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: 2,
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme: 'light',
    });
    const page = await context.newPage();
    await steps(page);
    await page.screenshot({ path: path.join(OUT, name) });
    process.stdout.write(`docs/screenshots/${name}\n`);
    await context.close();
  };
  const signIn = async (page) => {
    await page.goto(server.url);
    await page.getByLabel('User id').fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-conversation="direct:carol"] [data-testid=unread]').waitFor();
    await page.locator('[data-conversation^="group:"] [data-testid=unread]').first().waitFor();
    await page.mouse.move(0, 0); // no row under the pointer (hover)
  };
  const openTrip = async (page) => {
    await page.locator('[data-conversation^="group:"]', { hasText: 'Lake trip' }).click();
    await page.getByTestId('read-count').filter({ hasText: 'read by 2' }).waitFor();
    await page.getByTestId('system-line').filter({ hasText: 'added Dave' }).waitFor();
  };
  const openBob = async (page) => {
    await page.locator('[data-conversation="direct:bob"]').click();
    await page.locator('[data-testid=image]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=image]')?.complete === true);
    const typing = encodeEnvelope(createEnvelope('TYPING', 'bob'));
    await bob.sendTransient('alice', { type: 2, message: typing });
    await page.getByTestId('typing').waitFor();
  };

  await shoot('sign-in.png', { width: 900, height: 560 }, async (page) => {
    await page.goto(server.url);
    await page.getByLabel('User id').fill('alice');
    await page.getByLabel('Display name (optional)').fill('Alice Chen');
  });
  // first: a contact request is delivered once, to the first page that connects
  await shoot('contacts-phone.png', { width: 390, height: 700 }, async (page) => {
    await signIn(page);
    await page.getByRole('tab', { name: /Contacts/ }).click();
    await page.getByTestId('incoming-request').waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });
  await shoot('conversations-phone.png', { width: 390, height: 700 }, signIn);
  await shoot('chat-desktop.png', { width: 1100, height: 700 }, async (page) => {
    await signIn(page);
    await openBob(page);
  });
  await shoot('chat-phone.png', { width: 390, height: 700 }, async (page) => {
    await signIn(page);
    await openBob(page);
  });
  await shoot('group-desktop.png', { width: 1100, height: 700 }, async (page) => {
    await signIn(page);
    await openTrip(page);
    const typing = encodeEnvelope(createEnvelope('TYPING', 'lilei'));
    await lilei.sendTransient(trip.id, { type: 2, message: typing });
    await page.getByTestId('typing').waitFor();
  });
  await shoot('group-info-phone.png', { width: 390, height: 700 }, async (page) => {
    await signIn(page);
    await openTrip(page);
    await page.getByRole('button', { name: 'Group info' }).click();
    await page.locator('[data-member=dave]').waitFor();
  });
} finally {
  await browser?.close();
  for (const c of clients) await c.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}

async function firstPage(pages) {
  const first = await pages.next();
  await pages.return(undefined);
  return first.done ? [] : first.value;
}
