import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { corkForTurn } from './cork.js';
import { type Conn, type ConnHandlers, type Driver, OPEN_TIMEOUT_MS } from './driver.js';

/** RFC 6455 4.2.2: the server's accept value is SHA-1(key + this GUID), base64. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The largest frame the generator accepts from a server (Parley's own limit is far below). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/**
 * A minimal RFC 6455 client for the load generator (the `parley-ws` driver): the opening
 * handshake, text frames out (masked with an all-zero key, which RFC 6455 allows: only browsers
 * must use unpredictable keys, and the payload then goes out as it is), text frames in (fragmented
 * ones reassembled), pings answered with their payload, the close handshake. No extensions.
 *
 * Why not `ws`, which the servers use: ws's client runs every received chunk through a Writable
 * stream and keeps per-frame state in objects that survive a young-generation collection when
 * thousands of sockets each receive a frame now and then; those survivors made the generator's
 * GC pauses (10-30 ms at a few thousand messages a second on two cores) part of every latency
 * it measured. This parser keeps a connection's unread bytes in one Buffer, reads frames in
 * place and allocates only the frame's text.
 */
export const rawWsDriver: Driver = {
  name: 'parley-ws',
  open(url: string, localAddress: string, h: ConnHandlers): Promise<Conn> {
    const u = new URL(url);
    if (u.protocol !== 'ws:') return Promise.reject(new Error(`only ws: URLs are supported, not ${url}`));
    return new Promise((resolve, reject) => {
      const key = randomBytes(16).toString('base64');
      const socket = connect({ host: u.hostname, port: Number(u.port || 80), localAddress });
      socket.setNoDelay(true);
      const timer = setTimeout(() => fail(new Error('opening handshake timed out')), OPEN_TIMEOUT_MS);
      let opened = false;
      let closed = false;
      let lostBecause = ''; // the socket's error, if one ended it
      let pending: Buffer | undefined; // bytes not parsed yet
      let fragments: Buffer[] | undefined; // a fragmented text message being reassembled

      const fail = (err: Error) => {
        clearTimeout(timer);
        if (!opened) reject(err);
        socket.destroy();
      };
      const write = (frame: Buffer) => {
        if (closed || socket.destroyed) return;
        corkForTurn(socket);
        socket.write(frame);
      };
      const sendText = (text: string) => write(encodeText(text));
      const conn: Conn = {
        send: (frame: ClientFrame) => sendText(JSON.stringify(frame)),
        sendText,
        close: () => {
          if (closed) return;
          const code = Buffer.allocUnsafe(2);
          code.writeUInt16BE(1000);
          write(encodeFrame(OP_CLOSE, code));
          closed = true;
          socket.end();
        },
        drop: () => {
          closed = true;
          socket.destroy();
        },
      };

      const message = (payload: Buffer) => {
        const s = payload.toString();
        if (h.text) h.text(s);
        else h.frame(JSON.parse(s) as ServerFrame);
      };

      /** Reads every whole frame in `buf`; returns the bytes of an incomplete one (or undefined). */
      const frames = (buf: Buffer): Buffer | undefined => {
        let at = 0;
        while (buf.length - at >= 2) {
          const b0 = buf[at]!;
          const b1 = buf[at + 1]!;
          const fin = (b0 & 0x80) !== 0;
          const op = b0 & 0x0f;
          if ((b0 & 0x70) !== 0) throw new Error('reserved bits set (no extension was agreed)');
          if ((b1 & 0x80) !== 0) throw new Error('a masked frame from the server');
          let len = b1 & 0x7f;
          let head = 2;
          if (len === 126) {
            if (buf.length - at < 4) break;
            len = buf.readUInt16BE(at + 2);
            head = 4;
          } else if (len === 127) {
            if (buf.length - at < 10) break;
            const hi = buf.readUInt32BE(at + 2);
            if (hi !== 0) throw new Error('a frame over 4 GiB');
            len = buf.readUInt32BE(at + 6);
            head = 10;
          }
          if (len > MAX_FRAME_BYTES) throw new Error(`a frame of ${len} bytes`);
          if (buf.length - at < head + len) break;
          const payload = buf.subarray(at + head, at + head + len);
          at += head + len;
          frame(fin, op, payload);
          if (closed) return undefined;
        }
        return at === buf.length ? undefined : Buffer.from(buf.subarray(at));
      };

      const frame = (fin: boolean, op: number, payload: Buffer) => {
        switch (op) {
          case OP_TEXT:
          case OP_BINARY:
            if (fragments) throw new Error('a new message inside a fragmented one');
            if (fin) message(payload);
            else fragments = [Buffer.from(payload)];
            return;
          case OP_CONTINUATION:
            if (!fragments) throw new Error('a continuation frame with no message to continue');
            fragments.push(Buffer.from(payload));
            if (fin) {
              const whole = Buffer.concat(fragments);
              fragments = undefined;
              message(whole);
            }
            return;
          case OP_PING:
            write(encodeFrame(OP_PONG, payload));
            return;
          case OP_PONG:
            return;
          case OP_CLOSE: {
            const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
            if (!closed) {
              write(encodeFrame(OP_CLOSE, payload.subarray(0, 2)));
              closed = true;
              socket.end();
            }
            if (opened) h.closed(`close ${code}`);
            opened = false; // reported once
            return;
          }
          default:
            throw new Error(`unknown opcode ${op}`);
        }
      };

      let handshake: Buffer | undefined = Buffer.alloc(0);
      socket.on('connect', () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          if (handshake) {
            handshake = Buffer.concat([handshake, chunk]);
            const end = handshake.indexOf('\r\n\r\n');
            if (end < 0) {
              if (handshake.length > 16384) throw new Error('an opening handshake reply over 16 KiB');
              return;
            }
            checkUpgrade(handshake.subarray(0, end).toString('latin1'), key);
            const rest = handshake.subarray(end + 4);
            handshake = undefined;
            clearTimeout(timer);
            opened = true;
            resolve(conn);
            if (rest.length === 0) return;
            chunk = Buffer.from(rest);
          }
          pending = frames(pending ? Buffer.concat([pending, chunk]) : chunk);
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          if (opened) {
            opened = false;
            h.closed(`protocol error: ${e.message}`);
          }
          fail(e);
        }
      });
      socket.on('error', (err) => {
        lostBecause = (err as NodeJS.ErrnoException).code ?? err.message;
        fail(err);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        closed = true;
        if (!opened) {
          reject(new Error('closed before open'));
          return;
        }
        opened = false;
        h.closed(lostBecause ? `connection lost (${lostBecause})` : 'connection lost');
      });
    });
  },
};

/** A text frame of `text`, written straight into the frame's buffer. */
export function encodeText(text: string): Buffer {
  const len = Buffer.byteLength(text);
  const out = frameHead(OP_TEXT, len);
  out.write(text, out.length - len);
  return out;
}

/** A client frame: FIN, the opcode, the mask bit with an all-zero key, the payload as it is. */
export function encodeFrame(op: number, payload: Buffer): Buffer {
  const out = frameHead(op, payload.length);
  payload.copy(out, out.length - payload.length);
  return out;
}

/** A frame's buffer with its header filled in and room for `len` bytes of payload after it. */
function frameHead(op: number, len: number): Buffer {
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + len);
  out[0] = 0x80 | op;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(len, 6);
  }
  out.writeUInt32BE(0, head); // the masking key: zeros, so the payload is sent unchanged
  return out;
}

/** Checks the server's reply to the opening handshake (status 101 and the accept value). */
function checkUpgrade(head: string, key: string): void {
  const [status, ...lines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101 /.test(status ?? '')) throw new Error(`handshake refused: ${status}`);
  const accept = lines
    .map((l) => /^sec-websocket-accept:\s*(.+)$/i.exec(l)?.[1]?.trim())
    .find((v) => v !== undefined);
  const want = createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
  if (accept !== want) throw new Error('handshake: wrong Sec-WebSocket-Accept');
}
