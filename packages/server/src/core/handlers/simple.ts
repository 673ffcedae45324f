import type { ContactsFrame, HeartbeatFrame } from '@parley/protocol';
import type { Session } from '../session.js';

/** Action 5: the gateway has already noted the activity; answer it. */
export function heartbeat(s: Session, f: HeartbeatFrame): void {
  s.reply({ action: '5', toId: f.fromId });
}

/** Action 11: the full contact list. */
export async function contacts(s: Session, f: ContactsFrame): Promise<void> {
  const list = await s.core.store.getContacts(f.fromId);
  s.reply({ action: '11', toId: f.fromId, contacts: list });
}
