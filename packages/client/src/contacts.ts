/** The contact list (action 11) and whether a user is online (action 7). */
import type { Contact, ContactsFrame, ContactsReply, PresenceFrame, PresenceReply } from '@parley/protocol';
import type { Ask } from './groups.js';
import { checkUser } from './validate.js';

/** The contact list. */
export async function contactList(ask: Ask, userId: string): Promise<Contact[]> {
  const frame: ContactsFrame = { action: '11', fromId: userId };
  const reply = (await ask(frame)) as ContactsReply;
  return Array.isArray(reply.contacts) ? reply.contacts : [];
}

/** Whether the server has an open connection of `user`. */
export async function isOnline(ask: Ask, userId: string, user: string): Promise<boolean> {
  checkUser(user);
  const frame: PresenceFrame = { action: '7', fromId: userId, toId: user };
  const reply = (await ask(frame)) as PresenceReply;
  return reply.online === true;
}
