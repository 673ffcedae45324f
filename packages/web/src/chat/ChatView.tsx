import { useEffect, useState } from 'preact/hooks';
import type { ConversationRef } from '../conversations/conversation.js';
import { groupEventText } from '../groups/event-text.js';
import { GroupHeader } from '../groups/GroupHeader.js';
import { GroupInfoPanel } from '../groups/GroupInfoPanel.js';
import type { ChatSession } from '../session/chat-session.js';
import { Composer } from './Composer.js';
import type { ChatEntry } from './chat-entry.js';
import { DirectHeader } from './DirectHeader.js';
import { MessageList } from './MessageList.js';

/** How often the recall buttons are checked against the recall window. */
const RECALL_TICK_MS = 10_000;

/**
 * One conversation: the header (the peer, or the group with its info panel), the messages (and a
 * group's membership events), the composer while one may post.
 */
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
  const [infoOpen, setInfoOpen] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), RECALL_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const title = session.titleOf(conversation);
  const timeline = session.timeline(conversation);
  const group = conversation.kind === 'group' ? session.groups.get(conversation.groupId) : undefined;
  const windowMs = session.config.recallWindowMs;
  const canRecall = (e: ChatEntry) =>
    e.fromId === session.me &&
    e.id !== undefined &&
    e.status >= 1 &&
    !e.recalled &&
    e.ts !== undefined &&
    Math.max(now, Date.now()) - e.ts < windowMs;
  const eventText = (e: ChatEntry) =>
    e.event ? groupEventText(e.fromId, e.event, (u) => session.nameOf(u), session.me) : '';
  const closed = group?.member === false || group?.info?.dismissed === true;

  return (
    <section class="chat" aria-label={group ? `Group ${title}` : `Chat with ${title}`}>
      {conversation.kind === 'direct' ? (
        <DirectHeader session={session} peerId={conversation.peerId} title={title} onBack={onBack} />
      ) : (
        <GroupHeader
          session={session}
          groupId={conversation.groupId}
          title={title}
          infoOpen={infoOpen}
          onInfo={() => setInfoOpen(!infoOpen)}
          onBack={onBack}
        />
      )}
      {infoOpen && conversation.kind === 'group' ? (
        <div class="info-scroll">
          <GroupInfoPanel session={session} groupId={conversation.groupId} />
        </div>
      ) : (
        <MessageList
          timeline={timeline}
          me={session.me}
          fileBase={session.config.fileBase}
          canRecall={canRecall}
          onRecall={(e) => session.recall(conversation, e)}
          onLoadOlder={() => void session.loadOlder(conversation)}
          eventText={eventText}
          senderOf={group ? (e) => session.nameOf(e.fromId) : undefined}
          readCountOf={group ? (e) => session.readCountOf(conversation, e) : undefined}
        />
      )}
      {infoOpen ? null : closed ? (
        <p class="composer-closed" data-testid="not-member">
          {group?.info?.dismissed ? 'This group was dismissed.' : 'You are no longer a member of this group.'}
        </p>
      ) : (
        <Composer
          onSend={(text) => session.sendText(conversation, text)}
          onTyping={(text) => session.typing(conversation, text)}
          onFile={(file) => void session.sendFile(conversation, file)}
        />
      )}
    </section>
  );
}
