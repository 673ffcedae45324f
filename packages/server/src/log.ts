import { type Logger, pino } from 'pino';

/** JSON log lines on stderr, so that stdout carries only what a person or a script reads. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'parley' } }, pino.destination({ fd: 2, sync: false }));
}
