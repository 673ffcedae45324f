/**
 * PostgreSQL `text` cannot hold U+0000, which SQLite stores and a client may send (in a message
 * body, a friend request's message, a user name). Such a value is stored as a marker and its JSON
 * form (which writes U+0000 as `\u0000`), and so is any value that starts with the marker itself, so
 * every string round-trips exactly and every other value is stored as it is.
 */
const MARK = '\u0001~json:';

export function toDb(s: string): string {
  return s.includes('\u0000') || s.startsWith(MARK) ? MARK + JSON.stringify(s) : s;
}

export function fromDb(s: string): string {
  return s.startsWith(MARK) ? (JSON.parse(s.slice(MARK.length)) as string) : s;
}
