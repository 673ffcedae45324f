/** Numbers read straight from a frame's JSON text on the generator's hot path: no allocation. */

/** The decimal digits at `s[i]` as a number if what follows them passes `ends`; -1 otherwise. */
function digitsAt(s: string, i: number, ends: (c: number) => boolean): number {
  let c = s.charCodeAt(i);
  let n = 0;
  let digits = 0;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    digits++;
    c = s.charCodeAt(++i);
  }
  return digits > 0 && ends(c) ? n : -1;
}

const quoteOrEnd = (c: number) => c === 34 || Number.isNaN(c);
const space = (c: number) => c === 32;
const anything = () => true;

/**
 * The number in a message id such as `MSG000042` that starts at `s[i]` and ends at a `"` or the end:
 * the digits after a letter prefix; -1 if it is not of that form.
 */
export function idNumberAt(s: string, i: number): number {
  let c = s.charCodeAt(i);
  while ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) c = s.charCodeAt(++i);
  return digitsAt(s, i, quoteOrEnd);
}

/** The non-negative integer at `s[i]`, ending at a space; -1 if there is none. */
export function intAt(s: string, i: number): number {
  return digitsAt(s, i, space);
}

/** The `chatMsg.seq` of a delivery's JSON text, or -1. */
export function seqIn(s: string): number {
  const at = s.lastIndexOf('"seq":');
  return at < 0 ? -1 : digitsAt(s, at + 6, anything);
}
