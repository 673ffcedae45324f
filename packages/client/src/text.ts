/** UTF-8 byte length of a string, without TextEncoder (not every runtime has it). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      bytes += 4; // a surrogate pair: one astral-plane character such as 😀 or 𠀀
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** False if the string has a lone surrogate (which the server refuses as invalid Unicode). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      if (i + 1 >= s.length || !isLow(s.charCodeAt(i + 1))) return false;
      i++;
    } else if (isLow(c)) return false;
  }
  return true;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
