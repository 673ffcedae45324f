/** The open chat lives in the URL's hash (`#/chat/HK0002`), so Back closes it on phones. */
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

export function openChatInHash(peerId: string | undefined): void {
  const next = peerId === undefined ? '#/' : `#/chat/${encodeURIComponent(peerId)}`;
  if (location.hash !== next) location.hash = next;
}
