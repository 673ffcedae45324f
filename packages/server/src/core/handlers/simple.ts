import { type ContactsFrame, ErrorCode, type HeartbeatFrame, type PresenceFrame } from '@parley/protocol';
import { CoreError } from '../core-error.js';
import type { Session } from '../session.js';

/** Action 5: the gateway has already noted the activity; answer it. */
export function heartbeat(s: Session, f: HeartbeatFrame): void {
  s.reply({ action: '5', toId: f.fromId });
}

/** Action 11: the full contact list. */
export async function contacts(s: Session, f: ContactsFrame): Promise<void> {
  const list = await s.ctx.store.getContacts(f.fromId);
  s.reply({ action: '11', toId: f.fromId, contacts: list });
}

/**
 * Action 7 (B6): whether a user has an open connection, from the bus's registry. With the
 * `contacts` scope only about the asker itself and the users in its contact list: anyone else,
 * existing or not, is FORBIDDEN alike (no presence tracking of strangers, no user enumeration).
 */
export async function presence(s: Session, f: PresenceFrame): Promise<void> {
  const { ctx } = s;
  if (ctx.config.presenceScope === 'contacts' && f.toId !== f.fromId) {
    if (!(await ctx.store.isContact(f.fromId, f.toId)))
      throw new CoreError(
        ErrorCode.Forbidden,
        `${f.toId} is not your contact: presence is only told about contacts`,
      );
  }
  const online = await s.ctx.isOnline(f.toId);
  s.reply({ action: '7', fromId: f.toId, toId: f.fromId, online });
}
