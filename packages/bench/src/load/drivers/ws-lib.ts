import type { Socket } from 'node:net';
import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { WebSocket } from 'ws';
import { corkForTurn } from './cork.js';
import { type Conn, type ConnHandlers, type Driver, OPEN_TIMEOUT_MS } from './driver.js';

/** Leaves ws's mask buffer all zeros, so that ws does not XOR the payload (see `open`). */
const zeroMask = (_mask: Buffer) => {};

/**
 * The Parley wire protocol over the `ws` library's client (`BENCH_WS_CLIENT=ws`; the default is
 * the generator's own minimal client, `raw-ws.ts`): one JSON object per WebSocket text frame.
 *
 * Frames a connection sends within one turn of the event loop (the status 1 confirmations for a
 * burst of deliveries, the next messages after a burst of acks) leave in one write: the socket is
 * corked until the turn ends. That keeps the generator's syscalls down; each frame is still its
 * own WebSocket frame, as the server expects.
 */
export const wsLibDriver: Driver = {
  name: 'parley-ws',
  open(url: string, localAddress: string, h: ConnHandlers): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        localAddress,
        perMessageDeflate: false,
        handshakeTimeout: OPEN_TIMEOUT_MS,
        // The generator's own costs, not the server's: frames from our own server need no UTF-8
        // check, and an all-zero mask (valid, RFC 6455 only asks browsers for unpredictable ones)
        // lets ws skip masking every payload. The server unmasks the same either way.
        skipUTF8Validation: true,
        generateMask: zeroMask,
      });
      let opened = false;
      ws.on('open', () => {
        opened = true;
        // ws keeps its net.Socket in a private field; corking is an optimization, so do without if absent.
        const socket = (ws as unknown as { _socket?: Socket })._socket;
        const sendText = (text: string) => {
          if (socket && ws.readyState === WebSocket.OPEN) corkForTurn(socket);
          ws.send(text);
        };
        resolve({
          send: (frame: ClientFrame) => sendText(JSON.stringify(frame)),
          sendText,
          close: () => ws.close(1000),
          drop: () => ws.terminate(),
        });
      });
      const text = h.text;
      ws.on('message', (data: Buffer) => {
        const s = data.toString();
        if (text) text(s);
        else h.frame(JSON.parse(s) as ServerFrame);
      });
      ws.on('error', (err) => {
        if (!opened) reject(err);
      });
      ws.on('close', (code) => {
        if (opened) h.closed(`close ${code}`);
        else reject(new Error(`closed before open (${code})`));
      });
    });
  },
};
