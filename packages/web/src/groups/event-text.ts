import type { GroupEvent } from '@parley/client';

/** How a user is named in a sentence: "You"/"you" for the signed-in user. */
export type NameOf = (userId: string) => string;

/**
 * A membership event as the line a chat shows: "Alice added Dave", "You left", "Bob renamed the
 * group to “Trip”". Plain text: the view puts it in a text node.
 */
export function groupEventText(fromId: string, event: GroupEvent, nameOf: NameOf, me: string): string {
  const subject = me === fromId ? 'You' : nameOf(fromId);
  const people = (users: readonly string[] | undefined) =>
    list((users ?? []).map((u) => (u === me ? 'you' : nameOf(u))));
  const who = people(event.users);
  const they = capitalize(who);
  switch (event.type) {
    case 'created':
      return `${subject} created the group${event.name ? ` “${event.name}”` : ''}`;
    case 'joined':
      return event.users?.length === 1 && event.users[0] === fromId
        ? `${subject} joined`
        : `${subject} added ${who}`;
    case 'removed':
      return `${subject} removed ${who}`;
    case 'left':
      return `${they} left`;
    case 'renamed':
      return `${subject} renamed the group to “${event.name ?? ''}”`;
    case 'owner':
      return `${they} ${event.users?.[0] === me ? 'are' : 'is'} now the owner`;
    case 'role':
      return `${subject} made ${who} ${event.role === 'admin' ? 'an admin' : 'a member'}`;
    case 'muted':
      return `${subject} muted ${who}`;
    case 'unmuted':
      return `${subject} unmuted ${who}`;
    case 'mutedAll':
      return event.on
        ? `${subject} made the group admins-only: only the owner and admins can post`
        : `${subject} let every member post again`;
    case 'dismissed':
      return `${subject} dismissed the group`;
    default:
      return `${subject} changed the group`;
  }
}

function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'someone';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function capitalize(text: string): string {
  return text.startsWith('you') ? `Y${text.slice(1)}` : text;
}
