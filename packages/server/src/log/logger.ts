import { type Logger, pino } from 'pino';
import { NonBlockingDestination } from './destination.js';

/**
 * JSON log lines on stderr, so that stdout carries only what a person or a script reads. Written
 * without ever blocking: a full disk or a stuck pipe costs log lines, never the server.
 */
export function createLogger(level: string, fd = 2): Logger {
  return pino({ level, base: { service: 'parley' } }, new NonBlockingDestination(fd));
}

/** Waits (at most about a second) for queued log lines to be written. */
export function flushLogger(log: Logger): Promise<void> {
  return new Promise((resolve) => log.flush(() => resolve()));
}
