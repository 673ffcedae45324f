import type { Socket } from 'node:net';

/** Sockets corked in this turn of the event loop, uncorked together by one `nextTick`. */
let corked: Socket[] = [];
const uncorkAll = () => {
  const sockets = corked;
  corked = [];
  for (const s of sockets) s.uncork();
};

/**
 * Corks the socket until this turn of the event loop ends (once per turn): the frames a connection
 * sends within one turn (the confirmations of a burst of deliveries, the next messages after a
 * burst of acks) leave in one write, which keeps the generator's syscalls down.
 */
export function corkForTurn(socket: Socket): void {
  if (socket.writableCorked) return;
  socket.cork();
  if (corked.push(socket) === 1) process.nextTick(uncorkAll);
}
