import { useLayoutEffect, useRef } from 'preact/hooks';
import { StatusTicks } from '../chat/StatusTicks.js';
import { nameFromUrl, ownFilePath } from '../files/file-url.js';
import { useFileInfo } from '../files/use-file-info.js';
import type { ChatSession } from '../session/chat-session.js';
import { shortTime } from '../time/format-time.js';
import { Avatar, presenceText } from '../ui/Avatar.js';
import { type Conversation, type ConversationPreview, idOf, unreadCount } from './conversation.js';

/** Closer than this to the end of the list, the next page is asked for. */
const NEAR_END_PX = 120;

/**
 * The conversations, 1:1 and groups, newest first: title, presence (1:1), last message, time,
 * unread count. Pages of the server's list come in as it is scrolled.
 */
export function ConversationListView({
  session,
  onOpen,
  onNewGroup,
}: {
  session: ChatSession;
  onOpen: (c: Conversation) => void;
  onNewGroup: () => void;
}) {
  const list = session.conversations.sorted();
  const pager = session.pager;
  const scroller = useRef<HTMLDivElement>(null);
  const loadMore = () => void session.loadMoreConversations();
  const nearEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_END_PX;

  // a page that does not fill the panel cannot be scrolled: ask for the next one until it does
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pager.loaded && !pager.complete && !pager.loading && nearEnd(el)) loadMore();
  });

  return (
    <div class="list-pane">
      <div class="list-toolbar">
        <button type="button" class="button secondary" onClick={onNewGroup}>
          New group
        </button>
      </div>
      <div
        class="list-scroll"
        ref={scroller}
        onScroll={(e) => {
          if (nearEnd(e.currentTarget)) loadMore();
        }}
      >
        {list.length === 0 ? (
          <p class="empty" data-testid="no-conversations">
            {pager.loaded
              ? 'No conversations yet. Open Contacts to start one, or create a group.'
              : 'Loading conversations…'}
          </p>
        ) : (
          <ul class="conversation-list" aria-label="Conversations">
            {list.map((c) => (
              <ConversationItem key={c.key} session={session} conversation={c} onOpen={onOpen} />
            ))}
          </ul>
        )}
        {pager.loaded && !pager.complete && (
          <div class="list-more">
            {pager.loading ? (
              <span class="muted">Loading…</span>
            ) : (
              <button type="button" class="link-button" onClick={loadMore}>
                Load more conversations
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function ConversationItem({
  session,
  conversation: c,
  onOpen,
}: {
  session: ChatSession;
  conversation: Conversation;
  onOpen: (c: Conversation) => void;
}) {
  const group = c.ref.kind === 'group';
  const online = c.ref.kind === 'direct' ? session.presence.of(c.ref.peerId) : undefined;
  const active = session.activeKey === c.key;
  const typers = session.typingIn.typers(c.key);
  const unread = unreadCount(c);
  return (
    <li>
      <button
        type="button"
        class={active ? 'conversation active' : 'conversation'}
        data-conversation={c.key}
        aria-current={active ? 'true' : undefined}
        onClick={() => onOpen(c)}
      >
        <Avatar id={idOf(c.ref)} title={c.title} online={online} group={group} />
        <span class="conversation-main">
          <span class="conversation-top">
            <span class="conversation-title">{c.title}</span>
            <span class="sr-only">{group ? 'group' : presenceText(online)}</span>
            <span class="conversation-time">{shortTime(c.preview?.ts ?? undefined)}</span>
          </span>
          <span class="conversation-bottom">
            <span class="preview" data-testid="preview">
              {typers.length > 0 ? (
                <em>{group ? `${session.nameOf(typers[0] as string)} is typing…` : 'typing…'}</em>
              ) : (
                <PreviewText
                  preview={c.preview}
                  sender={
                    group && c.preview && !c.preview.fromMe ? session.nameOf(c.preview.fromId) : undefined
                  }
                  fileBase={session.config.fileBase}
                />
              )}
            </span>
            {unread > 0 && (
              <span class="badge" data-testid="unread">
                {unread}
                <span class="sr-only"> unread</span>
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

function PreviewText({
  preview,
  sender,
  fileBase,
}: {
  preview: ConversationPreview | undefined;
  sender: string | undefined;
  fileBase: string;
}) {
  if (!preview) return <span class="muted">No messages yet</span>;
  return (
    <>
      {preview.fromMe && !preview.recalled && <StatusTicks status={preview.status} />}
      {sender !== undefined && <span class="preview-sender">{sender}: </span>}
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
