import type { ClientFrame, ServerFrame } from '@parley/protocol';

/** How long a driver waits for a connection to open (the handshake included). */
export const OPEN_TIMEOUT_MS = 60_000;

/** One client connection as the load generator sees it: Parley frames in, Parley frames out. */
export interface Conn {
  send(frame: ClientFrame): void;
  /** Sends an already serialized frame (drivers that carry JSON text; the hot path). */
  sendText?(text: string): void;
  /** Closes politely (close handshake). */
  close(): void;
  /** Drops the connection at once, as a lost network does (no close handshake). */
  drop(): void;
}

export interface ConnHandlers {
  frame(frame: ServerFrame): void;
  /**
   * A frame as JSON text, for drivers that receive text: when given, they call it instead of
   * parsing the frame for `frame`.
   */
  text?(json: string): void;
  /** The connection is gone; `reason` says why (close code, error). */
  closed(reason: string): void;
}

export type DriverName = 'parley-ws' | 'socket.io';

/** How frames travel: raw JSON over WebSocket (Parley, ws relay) or Socket.IO events. */
export interface Driver {
  readonly name: DriverName;
  /** Opens a transport connection from `localAddress`; resolves once frames can be sent. */
  open(url: string, localAddress: string, handlers: ConnHandlers): Promise<Conn>;
}
