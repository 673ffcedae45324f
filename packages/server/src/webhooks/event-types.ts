/** The webhook events the outbox records; `WEBHOOK_EVENTS` chooses among them. */
export const GROUP_EVENT_TYPES = [
  'group.created',
  'group.joined',
  'group.removed',
  'group.left',
  'group.renamed',
  'group.owner',
  'group.role',
  'group.muted',
  'group.unmuted',
  'group.mutedAll',
  'group.dismissed',
] as const;

export const EVENT_TYPES = [
  'message.sent',
  'message.read',
  'message.recalled',
  'user.online',
  'user.offline',
  'friend.requested',
  'friend.answered',
  ...GROUP_EVENT_TYPES,
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The synchronous check before a message is stored (`WEBHOOK_BEFORE_SEND`); never in the outbox. */
export const BEFORE_SEND = 'message.before_send';

/**
 * The event types a `WEBHOOK_EVENTS` list selects: names, and `prefix.*` for every type of a prefix
 * (`group.*`), or `*` (all; also what an unset list means). Undefined when an entry selects nothing.
 */
export function selectEvents(list: string | undefined): ReadonlySet<EventType> | undefined {
  if (list === undefined) return new Set(EVENT_TYPES);
  const selected = new Set<EventType>();
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const matches = EVENT_TYPES.filter((t) =>
      entry === '*' ? true : entry.endsWith('.*') ? t.startsWith(entry.slice(0, -1)) : t === entry,
    );
    if (matches.length === 0) return undefined;
    for (const t of matches) selected.add(t);
  }
  return selected.size === 0 ? undefined : selected;
}
