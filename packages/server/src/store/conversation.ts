/** The conversation key of two users, the same whichever of them sent. User ids never contain a space. */
export function conversationKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}
