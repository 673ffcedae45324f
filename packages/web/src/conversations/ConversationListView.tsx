import { StatusTicks } from '../chat/StatusTicks.js';
import { nameFromUrl, ownFilePath } from '../files/file-url.js';
import { useFileInfo } from '../files/use-file-info.js';
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
                    {typing ? (
                      <em>typing…</em>
                    ) : (
                      <PreviewText preview={c.preview} fileBase={session.config.fileBase} />
                    )}
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

function PreviewText({ preview, fileBase }: { preview: ConversationPreview | undefined; fileBase: string }) {
  if (!preview) return <span class="muted">No messages yet</span>;
  return (
    <>
      {preview.fromMe && !preview.recalled && <StatusTicks status={preview.status} />}
      {preview.recalled ? (
        <span class="muted">Message recalled</span>
      ) : preview.type === 1 ? (
        <FileName name={preview.text} url={preview.fileUrl} fileBase={fileBase} />
      ) : preview.type === 2 ? (
        <span>App message</span>
      ) : (
        <span>{preview.text}</span>
      )}
    </>
  );
}

/** A file's name: known when this page sent it, else asked from the server (cached). */
function FileName({ name, url, fileBase }: { name: string; url: string | undefined; fileBase: string }) {
  const path = name === '' && url !== undefined ? ownFilePath(url, fileBase) : undefined;
  const info = useFileInfo(path);
  const shown =
    name || (typeof info === 'object' ? info.name : url !== undefined && !path ? nameFromUrl(url) : 'File');
  return <span>📎 {shown}</span>;
}
