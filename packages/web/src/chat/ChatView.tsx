import { useEffect, useState } from 'preact/hooks';
import type { ConversationRef } from '../conversations/conversation.js';
import type { ChatSession } from '../session/chat-session.js';
import { Avatar, presenceText } from '../ui/Avatar.js';
import { BackIcon } from '../ui/icons.js';
import { Composer } from './Composer.js';
import type { ChatEntry } from './chat-entry.js';
import { MessageList } from './MessageList.js';

/** How often the recall buttons are checked against the recall window. */
const RECALL_TICK_MS = 10_000;

/** One conversation: header with presence and typing, the messages, the composer. */
export function ChatView({
  session,
  conversation,
  onBack,
}: {
  session: ChatSession;
  conversation: ConversationRef;
  onBack: () => void;
}) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), RECALL_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const peer = conversation.peerId;
  const title = session.titleOf(conversation);
  const online = session.presence.of(peer);
  const typing = session.typingIn.isTyping(peer);
  const timeline = session.timeline(conversation);
  const windowMs = session.config.recallWindowMs;
  const canRecall = (e: ChatEntry) =>
    e.fromId === session.me &&
    e.id !== undefined &&
    e.status >= 1 &&
    !e.recalled &&
    e.ts !== undefined &&
    Math.max(now, Date.now()) - e.ts < windowMs;

  return (
    <section class="chat" aria-label={`Chat with ${title}`}>
      <header class="chat-header">
        <button type="button" class="icon-button back" aria-label="Back to conversations" onClick={onBack}>
          <BackIcon />
        </button>
        <Avatar id={peer} title={title} online={online} />
        <div class="chat-title">
          <h2>{title}</h2>
          <span class="chat-subtitle" data-testid="chat-status">
            {typing ? (
              <em data-testid="typing">typing…</em>
            ) : (
              <span>
                {peer === title
                  ? presenceText(online)
                  : [peer, presenceText(online)].filter(Boolean).join(' · ')}
              </span>
            )}
          </span>
        </div>
      </header>
      <MessageList
        timeline={timeline}
        me={session.me}
        fileBase={session.config.fileBase}
        canRecall={canRecall}
        onRecall={(e) => session.recall(conversation, e)}
        onLoadOlder={() => void session.loadOlder(conversation)}
      />
      <Composer
        onSend={(text) => session.sendText(conversation, text)}
        onTyping={(text) => session.typing(conversation, text)}
        onFile={(file) => void session.sendFile(conversation, file)}
      />
    </section>
  );
}
