// A tiny client that speaks only the seed protocol's frames, written from
// websocket-chat-protocol.txt alone. Start a server (`npm start`), then:
//   node examples/seed-chat.mjs [ws://127.0.0.1:8080/ws]
import WebSocket from 'ws';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080/ws';

/** Opens a connection for a user and returns helpers to send frames and await replies. */
function open(userId) {
  const ws = new WebSocket(url);
  const inbox = [];
  const waiting = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    console.log(`${userId} <-`, JSON.stringify(frame));
    const i = waiting.findIndex((w) => w.action === frame.action);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(frame);
    else inbox.push(frame);
  });
  const send = (frame) => {
    console.log(`${userId} ->`, JSON.stringify(frame));
    ws.send(JSON.stringify(frame));
  };
  const next = (action) => {
    const i = inbox.findIndex((f) => f.action === action);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve) => waiting.push({ action, resolve }));
  };
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => resolve({ ws, send, next }));
  });
}

const a = await open('HK0001');
const b = await open('HK0002');
a.send({ action: '1', fromId: 'HK0001' });
await a.next('1');
b.send({ action: '1', fromId: 'HK0002' });
await b.next('1');

a.send({ action: '2', fromId: 'HK0001' });
const [id] = (await a.next('2')).chatMsg.message.split(',');

a.send({
  action: '3',
  fromId: 'HK0001',
  toId: 'HK0002',
  chatMsg: { id, type: 0, message: '你好 👋', status: 0, time: '2021-12-14 12:00:00' },
});
await a.next('4'); // status 1: stored
const incoming = await b.next('3');
b.send({ action: '4', fromId: 'HK0002', toId: 'HK0001', chatMsg: { id: incoming.chatMsg.id, status: 2 } });
await a.next('4'); // status 2: read

a.send({ action: '12', fromId: 'HK0001', toId: 'HK0002', pageSize: 10 });
await a.next('12');
a.ws.close();
b.ws.close();
