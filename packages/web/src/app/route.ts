/**
 * The open chat lives in the URL's hash, so Back closes it on phones: `#/chat/HK0002` for a 1:1
 * chat, `#/chat/~k3v9x2m4qa` for a group (a user id never starts with `~`).
 */
const CHAT = /^#\/chat\/(.+)$/;

export function chatInHash(hash = location.hash): string | undefined {
  const m = CHAT.exec(hash);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

/** Opens the conversation with this id (a user or a group), or closes the chat. */
export function openChatInHash(conversationId: string | undefined): void {
  const next = conversationId === undefined ? '#/' : `#/chat/${encodeURIComponent(conversationId)}`;
  if (location.hash !== next) location.hash = next;
}
