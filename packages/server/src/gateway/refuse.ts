import type { Duplex } from 'node:stream';

/** How long a refused upgrade may take to write its answer before its socket is destroyed. */
const REFUSE_LINGER_MS = 1000;

/**
 * Answers an upgrade request with an HTTP error and closes its raw socket. The socket belongs to
 * nobody else any more (the HTTP server let go of it for the upgrade), so it gets its own error
 * handler first: a client that resets the connection must not crash the process.
 */
export function refuseUpgrade(socket: Duplex, status: 404 | 503, onError: (err: Error) => void): void {
  socket.on('error', onError);
  if (socket.destroyed) return;
  const text = status === 404 ? '404 Not Found' : '503 Service Unavailable';
  const timer = setTimeout(() => socket.destroy(), REFUSE_LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(`HTTP/1.1 ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
