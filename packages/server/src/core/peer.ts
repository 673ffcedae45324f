/** What the core needs of a client connection. The gateway adapts a WebSocket to it. */
export interface Peer {
  /** Sends one serialized frame; `done` runs once it is written to the socket (or failed). */
  send(frame: string, done?: (err?: Error) => void): void;
  close(code: number, reason: string): void;
  /** The connection completed action 1 as `userId`. */
  authenticated(userId: string): void;
  /** Stops reading frames from the client (TCP backpressure) until `resumeReading`. */
  pauseReading(): void;
  resumeReading(): void;
  /**
   * Runs `done` once the client has shown that it received every frame sent before this call (its
   * WebSocket answered a ping sent after them). Never runs if the connection ends first.
   */
  proveReceived(done: () => void): void;
  /** Drops the connection at once, without a close handshake (for a client that does not read). */
  abort(): void;
  /** Bytes queued and not yet handed to the socket. */
  readonly bufferedAmount: number;
  /** Past this many queued bytes a bulk sender (the backlog replay) should wait for `done`. */
  readonly highWaterMark: number;
  /** Where the connection comes from, for logs. */
  readonly remote: string;
}
