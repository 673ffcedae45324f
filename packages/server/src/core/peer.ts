/** What the core needs of a client connection. The gateway adapts a WebSocket to it. */
export interface Peer {
  /** Sends one serialized frame; `done` runs once it is written to the socket (or failed). */
  send(frame: string, done?: (err?: Error) => void): void;
  close(code: number, reason: string): void;
  /** Where the connection comes from, for logs. */
  readonly remote: string;
}
