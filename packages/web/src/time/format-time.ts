const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** `14:05` today, `Nov 21` before; empty for a message not stored yet. */
export function shortTime(ts: number | undefined, now = Date.now()): string {
  if (ts === undefined) return '';
  const d = new Date(ts);
  return new Date(now).toDateString() === d.toDateString() ? clock.format(d) : day.format(d);
}

/** The time of a message in a bubble: the clock, with the date when it is not today. */
export function messageTime(ts: number | undefined, now = Date.now()): string {
  if (ts === undefined) return '';
  const d = new Date(ts);
  return new Date(now).toDateString() === d.toDateString() ? clock.format(d) : full.format(d);
}
