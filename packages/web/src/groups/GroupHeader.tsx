import type { ChatSession } from '../session/chat-session.js';
import { Avatar } from '../ui/Avatar.js';
import { BackIcon } from '../ui/icons.js';

/** A group chat's header: name, members or who types, and the group info panel's button. */
export function GroupHeader({
  session,
  groupId,
  title,
  infoOpen,
  onInfo,
  onBack,
}: {
  session: ChatSession;
  groupId: string;
  title: string;
  infoOpen: boolean;
  onInfo: () => void;
  onBack: () => void;
}) {
  const group = session.groups.get(groupId);
  const typers = session.typingIn.typers(`group:${groupId}`).map((u) => session.nameOf(u));
  const count = group.members?.length ?? group.info?.memberCount;
  const status =
    group.member === false
      ? 'you are not a member'
      : group.info?.dismissed
        ? 'dismissed'
        : count !== undefined
          ? `${count} ${count === 1 ? 'member' : 'members'}`
          : '';
  return (
    <header class="chat-header">
      <button type="button" class="icon-button back" aria-label="Back to conversations" onClick={onBack}>
        <BackIcon />
      </button>
      <Avatar id={groupId} title={title} online={undefined} group />
      <div class="chat-title">
        <h2>{title}</h2>
        <span class="chat-subtitle" data-testid="chat-status">
          {typers.length > 0 ? (
            <em data-testid="typing">
              {typers.join(', ')} {typers.length === 1 ? 'is' : 'are'} typing…
            </em>
          ) : (
            <span>{status}</span>
          )}
        </span>
      </div>
      <button type="button" class="button secondary header-action" aria-expanded={infoOpen} onClick={onInfo}>
        {infoOpen ? 'Back to chat' : 'Group info'}
      </button>
    </header>
  );
}
