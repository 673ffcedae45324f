import type { ChatSession } from '../session/chat-session.js';
import { Avatar, presenceText } from '../ui/Avatar.js';
import { BackIcon } from '../ui/icons.js';

/** A 1:1 chat's header: the peer, presence or typing, and blocking. */
export function DirectHeader({
  session,
  peerId,
  title,
  onBack,
}: {
  session: ChatSession;
  peerId: string;
  title: string;
  onBack: () => void;
}) {
  const online = session.presence.of(peerId);
  const typing = session.typingIn.isTyping(`direct:${peerId}`);
  const blocked = session.blocklist.has(peerId);
  const status = [peerId === title ? '' : peerId, blocked ? 'blocked' : presenceText(online)]
    .filter(Boolean)
    .join(' · ');
  return (
    <header class="chat-header">
      <button type="button" class="icon-button back" aria-label="Back to conversations" onClick={onBack}>
        <BackIcon />
      </button>
      <Avatar id={peerId} title={title} online={online} />
      <div class="chat-title">
        <h2>{title}</h2>
        <span class="chat-subtitle" data-testid="chat-status">
          {typing ? <em data-testid="typing">typing…</em> : <span>{status}</span>}
        </span>
      </div>
      {peerId !== session.me && (
        <button
          type="button"
          class="button secondary header-action"
          aria-label={blocked ? `Unblock ${title}` : `Block ${title}`}
          title={blocked ? 'Let their messages reach you again' : 'Refuse their messages'}
          onClick={() => session.setBlocked(peerId, !blocked)}
        >
          {blocked ? 'Unblock' : 'Block'}
        </button>
      )}
    </header>
  );
}
