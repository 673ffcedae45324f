import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ConnectReply,
  createTimeFormatter,
  formatMsgId,
  type HeartbeatReply,
  type IdsReply,
  type MessageDelivery,
  MSG_ID_BATCH,
  type SendMessageFrame,
  type StatusNotice,
} from '@parley/protocol';

/**
 * What both baseline relays do with a frame, with no storage: synthetic ids from a counter, the
 * same replies and deliveries as Parley (same fields, same server time stamps).
 */
export class RelayLogic {
  private nextId = 1;
  private readonly time = createTimeFormatter('UTC');

  connected(userId: string): ConnectReply {
    return { action: '1', toId: userId };
  }

  ids(userId: string): IdsReply {
    const ids: string[] = [];
    for (let i = 0; i < MSG_ID_BATCH; i++) ids.push(formatMsgId(this.nextId++));
    return { action: '2', toId: userId, chatMsg: { message: ids.join(',') } };
  }

  heartbeat(userId: string): HeartbeatReply {
    return { action: '5', toId: userId };
  }

  /** The acknowledgement to the sender and the frame to forward to the recipient. */
  message(f: SendMessageFrame): { ack: StatusNotice; delivery: MessageDelivery } {
    const ts = Date.now();
    const time = this.time(ts);
    return {
      ack: {
        action: '4',
        fromId: f.toId,
        toId: f.fromId,
        chatMsg: { id: f.chatMsg.id, status: 1, time, ts },
      },
      delivery: {
        action: '3',
        fromId: f.fromId,
        toId: f.toId,
        chatMsg: { id: f.chatMsg.id, type: f.chatMsg.type, message: f.chatMsg.message, status: 1, time, ts },
      },
    };
  }
}

/** Listens on HOST:PORT (default 127.0.0.1, any port) and prints the line the harness waits for. */
export function listenAndAnnounce(name: string, http: Server, onStop: () => void): void {
  const host = process.env.HOST || '127.0.0.1';
  http.listen(Number(process.env.PORT ?? 0), host, () => {
    const { port } = http.address() as AddressInfo;
    process.stdout.write(`${name} listening on http://${host}:${port}\n`);
  });
  const stop = () => {
    onStop();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
