import { type Level, type Logger, pino } from 'pino';

/**
 * The writer thread's own log lines (a failed checkpoint, a checkpoint thread gone, a failed timed
 * write of the held rows, a recovery at start), carried to the event loop's log: the thread has no
 * log destination of its own, and without this those faults would go unseen (a checkpoint thread
 * gone quiet lets the WAL grow until the disk is full).
 */

/** A logger for the writer thread that hands each line, as pino writes it (JSON), to `send`. */
export function threadLog(send: (line: string) => void): Logger {
  // the event loop's logger adds the time and its own fields when it logs the line again
  return pino({ level: 'info', base: null, timestamp: false }, { write: send });
}

/** Logs a line of `threadLog` again on the event loop's logger, at its level, with its fields. */
export function relayLine(log: Logger | undefined, line: string): void {
  if (!log) return;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    log.warn({ line }, 'SQLite writer thread: a log line that is not JSON');
    return;
  }
  const { level, msg, ...fields } = record;
  const label = typeof level === 'number' ? (log.levels.labels[level] as Level | undefined) : undefined;
  log[label ?? 'warn'](fields, typeof msg === 'string' ? msg : '');
}
