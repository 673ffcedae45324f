/** Formats epoch milliseconds as `YYYY-MM-DD HH:mm:ss` in a fixed IANA time zone. */
export type TimeFormatter = (epochMs: number) => string;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function createTimeFormatter(timeZone = 'UTC'): TimeFormatter {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  let cachedSecond = Number.NaN;
  let cached = '';
  return (epochMs: number) => {
    const second = Math.floor(epochMs / 1000);
    if (second === cachedSecond) return cached;
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(second * 1000)) p[part.type] = part.value;
    cached = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    cachedSecond = second;
    return cached;
  };
}
