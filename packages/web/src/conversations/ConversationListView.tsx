import { StatusTicks } from '../chat/StatusTicks.js';
import type { ChatSession } from '../session/chat-session.js';
import { shortTime } from '../time/format-time.js';
import { Avatar, presenceText } from '../ui/Avatar.js';
import type { Conversation, ConversationPreview } from './conversation.js';

/** The conversations, newest first: title, presence, last message, time, unread count. */
export function ConversationListView({
  session,
  onOpen,
}: {
  session: ChatSession;
  onOpen: (c: Conversation) => void;
}) {
  const list = session.conversations.sorted();
  if (list.length === 0) {
    return (
      <p class="empty" data-testid="no-conversations">
        {session.listLoaded
          ? 'No conversations yet. Open Contacts to start one or to add a contact.'
          : 'Loading conversations…'}
      </p>
    );
  }
  return (
    <ul class="conversation-list" aria-label="Conversations">
      {list.map((c) => {
        const online = session.presence.of(c.ref.peerId);
        const active = session.activeKey === c.key;
        const typing = session.typingIn.isTyping(c.ref.peerId);
        return (
          <li key={c.key}>
            <button
              type="button"
              class={active ? 'conversation active' : 'conversation'}
              data-conversation={c.key}
              aria-current={active ? 'true' : undefined}
              onClick={() => onOpen(c)}
            >
              <Avatar id={c.ref.peerId} title={c.title} online={online} />
              <span class="conversation-main">
                <span class="conversation-top">
                  <span class="conversation-title">{c.title}</span>
                  <span class="sr-only">{presenceText(online)}</span>
                  <span class="conversation-time">{shortTime(c.preview?.ts ?? undefined)}</span>
                </span>
                <span class="conversation-bottom">
                  <span class="preview" data-testid="preview">
                    {typing ? <em>typing…</em> : <PreviewText preview={c.preview} />}
                  </span>
                  {c.unread.size > 0 && (
                    <span class="badge" data-testid="unread">
                      {c.unread.size}
                      <span class="sr-only"> unread</span>
                    </span>
                  )}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function PreviewText({ preview }: { preview: ConversationPreview | undefined }) {
  if (!preview) return <span class="muted">No messages yet</span>;
  const body = preview.recalled
    ? 'Message recalled'
    : preview.type === 1
      ? `📎 ${preview.text}`
      : preview.type === 2
        ? 'App message'
        : preview.text;
  return (
    <>
      {preview.fromMe && !preview.recalled && <StatusTicks status={preview.status} />}
      <span class={preview.recalled ? 'muted' : undefined}>{body}</span>
    </>
  );
}
