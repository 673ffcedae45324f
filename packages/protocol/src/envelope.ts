/**
 * The MIMC envelope: the recommended content of app-defined (type 2) messages, serialized as JSON
 * into `chatMsg.message` (B5). The server never looks inside it.
 */
export interface Envelope {
  /** Kept for upgrades of the app's own format; 0 today. */
  version: number;
  /** An id chosen by the sender's app, e.g. `TEXT_12345`, `PING_7`. */
  msgId: string;
  /** The app's kind of message: `TEXT`, `PIC_FILE`, `PING`, `PONG`, `TEXT_RECALL`, ... */
  type: string;
  /** Epoch milliseconds, as a string. */
  timestamp: string;
  /** The app's content: a string (plain text, a URL, JSON, base64: the app decides). */
  payload: string;
}
