import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: frames under test are inspected loosely on purpose
export type Frame = Record<string, any>;

/**
 * A raw protocol client for tests: sends frames as given and waits for frames by predicate.
 * Frames that arrive are queued, so nothing is missed between two waits.
 */
export class TestClient {
  readonly received: Frame[] = [];
  private readonly queue: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  userId: string | undefined;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters) w.resolve({ action: 'closed', code });
        this.waiters = [];
      });
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.action === '1') this.userId = frame.toId; // the user this connection now is
      this.received.push(frame);
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
      else this.queue.push(frame);
    });
  }

  static open(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame matching `match` (queued or future); fails after `timeoutMs`. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          if (f.action === 'closed' && !match(f))
            reject(new Error(`connection closed (${f.code}) while waiting`));
          else resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms; queued: ${JSON.stringify(this.queue)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextAction(action: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.action === action, timeoutMs);
  }

  /** Sends a frame and returns the next frame of the given action (default: the same action). */
  async request(frame: Frame, replyAction = String(frame.action)): Promise<Frame> {
    this.send(frame);
    return this.nextAction(replyAction);
  }

  /**
   * Action 1 as `userId`. Like a client written from the seed, it does not declare that it
   * confirms, so a message counts as delivered once its WebSocket answered a ping sent after it;
   * `confirms: true` keeps messages pending until the test confirms them (action 4).
   */
  async connect(userId: string, opts: { confirms?: boolean } = {}): Promise<Frame> {
    this.userId = userId;
    return this.request({ action: '1', fromId: userId, ...(opts.confirms && { confirms: true }) });
  }

  /**
   * Round-trips a heartbeat and returns every other frame that arrived before its reply: the
   * server answers in order, so this is "everything the server had sent so far".
   */
  async drain(): Promise<Frame[]> {
    this.send({ action: '5', fromId: this.userId });
    await this.nextAction('5');
    return this.queue.splice(0);
  }

  async ids(): Promise<string[]> {
    const reply = await this.request({ action: '2', fromId: this.userId });
    return String(reply.chatMsg.message).split(',');
  }

  /** Sends a text message with a fresh id and waits for its acknowledgement. */
  async say(toId: string, message: string, id?: string): Promise<{ id: string; ack: Frame }> {
    const msgId = id ?? (await this.ids())[0]!;
    this.send(textFrame(this.userId!, toId, msgId, message));
    const ack = await this.next(
      (f) => (f.action === '4' && f.chatMsg?.id === msgId) || (f.action === '0' && f.ref?.id === msgId),
    );
    return { id: msgId, ack };
  }

  /** Stops (or resumes) reading from the socket, as a client that does not read would. */
  pauseReading(paused = true): void {
    const socket = (this.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    if (paused) socket.pause();
    else socket.resume();
  }

  close(): Promise<unknown> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close();
    return this.closed;
  }
}

export function textFrame(fromId: string, toId: string, id: string, message: string, type = 0): Frame {
  return {
    action: '3',
    fromId,
    toId,
    chatMsg: { id, type, message, status: 0, time: '2021-12-14 12:00:00' },
  };
}
