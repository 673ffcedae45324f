import type { ClientFrame, ServerFrame } from '@parley/protocol';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { Conn, ConnHandlers, Driver } from './driver.js';

/**
 * The Socket.IO relay's dialect: each Parley action is an event carrying the same frame object,
 * and request/response actions use Socket.IO acknowledgements, as a Node developer would write it:
 * `connect-user` (1), `ids` (2), `message` (3, acked with the status 1 frame), `status` (4 and 22),
 * `heartbeat` (5). The relay emits deliveries as `message` events.
 */
export const socketIoDriver: Driver = {
  name: 'socket.io',
  open(url: string, localAddress: string, h: ConnHandlers): Promise<Conn> {
    // engine.io-client passes localAddress through to ws; its types do not list it.
    const opts: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
      transports: ['websocket'],
      forceNew: true,
      multiplex: false,
      reconnection: false,
      timeout: 60_000,
      localAddress,
    };
    const socket = io(url, opts);
    const reply = (f: ServerFrame) => h.frame(f);
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.on('message', reply);
      socket.once('connect', () => {
        opened = true;
        resolve({
          send(frame: ClientFrame) {
            switch (frame.action) {
              case '1':
                socket.emit('connect-user', frame, reply);
                return;
              case '2':
                socket.emit('ids', frame, reply);
                return;
              case '3':
                socket.emit('message', frame, reply);
                return;
              case '4':
              case '22':
                socket.emit('status', frame);
                return;
              case '5':
                socket.emit('heartbeat', frame, reply);
                return;
              default:
                throw new Error(`the Socket.IO relay has no action ${frame.action}`);
            }
          },
          close: () => socket.disconnect(),
          drop: () => socket.io.engine.close(),
        });
      });
      socket.on('connect_error', (err) => {
        if (!opened) {
          socket.close();
          reject(err);
        }
      });
      socket.on('disconnect', (reason) => {
        if (opened) h.closed(reason);
      });
    });
  },
};
