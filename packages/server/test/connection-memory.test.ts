import type { IncomingMessage } from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
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
});
