// Two users chatting through the Parley SDK (packages/client). Build first (`npm run build`),
// start a server (`npm start`), then:
//   node examples/sdk-chat.mjs [ws://127.0.0.1:8080/ws]
// or PARLEY_URL=ws://host:port/ws node examples/sdk-chat.mjs
// With a server that has an app secret, also set PARLEY_APP_SECRET: the example then plays the
// app's backend too and fetches tokens from POST /v1/tokens (never ship the secret in a real client).
import WebSocket from 'ws';
import {
  createEnvelope,
  encodeEnvelope,
  ParleyClient,
  parseEnvelope,
} from '../packages/client/dist/index.js';

const url = process.argv[2] ?? process.env.PARLEY_URL ?? 'ws://127.0.0.1:8080/ws';
const appSecret = process.env.PARLEY_APP_SECRET;
const httpBase = url.replace(/^ws/, 'http').replace(/\/ws\/?$/, '');

/** Stands in for the app's backend: asks the server for a token with the app secret. */
async function fetchToken(userId) {
  const res = await fetch(`${httpBase}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) throw new Error(`token request failed: HTTP ${res.status}`);
  return (await res.json()).token;
}

function makeClient(userId) {
  const client = new ParleyClient({
    url,
    userId,
    WebSocket, // Node 20 has no global WebSocket; browsers can leave this out
    ...(appSecret && { getToken: () => fetchToken(userId) }),
  });
  client.on('state', ({ state }) => console.log(`[${userId}] ${state}`));
  client.on('error', (err) => console.log(`[${userId}] error ${err.code}: ${err.message}`));
  return client;
}

const alice = makeClient('alice');
const bob = makeClient('bob');

// Bob prints what arrives and marks text as read; receipt is confirmed by the SDK itself.
bob.on('message', (msg) => {
  const { id, type, message } = msg.chatMsg;
  const envelope = type === 2 ? parseEnvelope(message) : undefined;
  const shown = envelope ? `${envelope.type} envelope, payload ${envelope.payload}` : message;
  console.log(`[bob] ${id} from ${msg.fromId}: ${shown}`);
  bob.markRead(msg);
});
const readReceipt = new Promise((resolve) => {
  alice.on('status', (s) => {
    if (s.status === 2) {
      console.log(`[alice] ${s.id} was read by ${s.fromId}`);
      resolve();
    }
  });
});

const noServer = setTimeout(() => {
  console.error(`could not connect to ${url}: is the server running (npm start)?`);
  process.exit(1);
}, 10_000);
await Promise.all([alice.connect(), bob.connect()]);
clearTimeout(noServer);

const hello = await alice.send('bob', 'Hello Bob 👋 你好 😀');
console.log(`[alice] ${hello.id} stored at ${hello.time}`);
const card = createEnvelope('CARD', JSON.stringify({ title: 'Lunch?', when: '12:30' }));
await alice.send('bob', { type: 2, message: encodeEnvelope(card) });
await readReceipt;

// The server tells presence only about contacts (PRESENCE_SCOPE=contacts, the default): befriend first.
if (!(await alice.contacts()).some((c) => c.toId === 'bob')) {
  const asked = new Promise((resolve) => bob.once('friendRequest', resolve));
  await alice.addFriend('bob', 'hi, it is alice');
  await asked;
  await bob.respondFriend('alice', true);
}
console.log(`[alice] bob online (server registry): ${await alice.presence('bob')}`);
const { rttMs } = await alice.ping('bob');
console.log(`[alice] end-to-end PING/PONG with bob: ${rttMs} ms`);

for await (const page of alice.history({ with: 'bob', pageSize: 10 })) {
  for (const e of page)
    console.log(`[history] ${e.chatMsg.id} ${e.fromId}→${e.toId} status ${e.chatMsg.status}`);
  break; // the newest page is enough here
}

await Promise.all([alice.close(), bob.close()]);
