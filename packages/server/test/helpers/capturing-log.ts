import { pino } from 'pino';

/** A log line as pino writes it, parsed. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A logger as the server's (at `level`), whose lines are kept, parsed, in `lines`; `next(msg)`
 * resolves with the first line of that message, or fails after `timeoutMs` without one.
 */
export function capturingLog(level = 'debug', timeoutMs = 10_000) {
  const lines: LogLine[] = [];
  const waiting: { msg: string; resolve: (l: LogLine) => void }[] = [];
  const log = pino(
    { level },
    {
      write: (s: string) => {
        const line = JSON.parse(s) as LogLine;
        lines.push(line);
        for (const w of waiting.filter((w) => w.msg === line.msg)) w.resolve(line);
      },
    },
  );
  const next = (msg: string) =>
    new Promise<LogLine>((resolve, reject) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`no log line "${msg}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.push({
        msg,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  return { lines, log, next };
}
