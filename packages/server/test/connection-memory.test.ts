import type { IncomingMessage } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { WsGateway } from '../src/gateway/ws-gateway.js';
import { startTestServer } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let restore = () => {};
afterEach(() => {
  restore();
});

describe('what an open connection keeps', () => {
  it('lets go of the upgrade request (its headers) once the WebSocket is open', async () => {
    const requests: WeakRef<IncomingMessage>[] = [];
    // a plain wrapper, not vi.spyOn: a spy keeps the arguments of every call
    const original = WsGateway.prototype.handleUpgrade;
    WsGateway.prototype.handleUpgrade = function (this: WsGateway, req, socket, head) {
      requests.push(new WeakRef(req));
      original.call(this, req, socket, head);
    };
    restore = () => {
      WsGateway.prototype.handleUpgrade = original;
    };
    const t = await startTestServer();
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    expect(requests).toHaveLength(2);
    await waitFor(async () => {
      await new Promise((r) => setImmediate(r)); // a WeakRef holds its target until the job ends
      gc();
      return requests.every((r) => r.deref() === undefined);
    }, 'the upgrade requests to be collected');
    // and the connections work as before
    const { ack } = await alice.say('bob', 'still here');
    expect(ack).toMatchObject({ action: '4', chatMsg: { status: 1 } });
    expect(await bob.next((f) => f.action === '3')).toMatchObject({
      fromId: 'alice',
      chatMsg: { message: 'still here' },
    });
  });

  it('gives every connection the same WebSocket listeners, not closures of its own', async () => {
    const sockets: WebSocket[] = [];
    // accept is private: reached through the prototype, with a plain wrapper as above
    const proto = WsGateway.prototype as unknown as Record<
      'accept',
      (ws: WebSocket, ...rest: unknown[]) => void
    >;
    const original = proto.accept;
    proto.accept = function (this: WsGateway, ws, ...rest) {
      sockets.push(ws);
      original.call(this, ws, ...rest);
    };
    restore = () => {
      proto.accept = original;
    };
    const t = await startTestServer();
    const alice = await t.connect('alice');
    await t.connect('bob');
    expect(sockets).toHaveLength(2);
    const [a, b] = sockets as [WebSocket, WebSocket];
    for (const event of ['message', 'pong', 'error', 'close'] as const) {
      expect(a.listeners(event)).toHaveLength(1);
      expect(a.listeners(event)).toEqual(b.listeners(event));
    }
    // and a connection still works, closes, and gives its slot back
    expect((await alice.say('bob', 'hi')).ack).toMatchObject({ action: '4' });
    await alice.close();
    await waitFor(() => t.server.core.sessionCount === 1, 'alice to go');
  });
});
