const PREFIX = '{"action":"';
const QUOTE = 34;
const ZERO = 48;

/**
 * The action number of a serialized server frame, read from its first bytes without parsing it:
 * the server writes `action` first (`{"action":"12",…`). -1 when the frame does not start so.
 */
export function frameActionNumber(frame: string): number {
  if (!frame.startsWith(PREFIX)) return -1;
  const first = frame.charCodeAt(PREFIX.length) - ZERO;
  if (first < 0 || first > 9) return -1;
  const next = frame.charCodeAt(PREFIX.length + 1);
  if (next === QUOTE) return first;
  const second = next - ZERO;
  if (second < 0 || second > 9 || frame.charCodeAt(PREFIX.length + 2) !== QUOTE) return -1;
  return first * 10 + second;
}
