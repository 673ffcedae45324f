/** Contact requests: asking (action 8), answering (9) and removing a contact (10). */
import type {
  FriendRequestFrame,
  FriendRequestNotice,
  FriendResponseNotice,
  UnfriendNotice,
} from '@parley/protocol';
import type { InboundFrame, OutboundFrame } from './types.js';
import { checkUser } from './validate.js';

/** A request answered by the server's echo of its action, matched by `key`; resent after a reconnect. */
export type Keyed = (key: string, frame: OutboundFrame) => Promise<InboundFrame>;

/** Asks `user` to become a contact, with an optional message; resolves with the server's echo. */
export async function addFriend(
  keyed: Keyed,
  userId: string,
  user: string,
  message?: string,
): Promise<FriendRequestNotice> {
  checkUser(user);
  const frame: FriendRequestFrame = { action: '8', fromId: userId, toId: user };
  if (message !== undefined) frame.chatMsg = { message };
  return (await keyed(`8:${user}`, frame)) as FriendRequestNotice;
}

/** Accepts or declines `user`'s contact request; resolves with the server's echo. */
export async function respondFriend(
  keyed: Keyed,
  userId: string,
  user: string,
  accepted: boolean,
): Promise<FriendResponseNotice> {
  checkUser(user);
  const frame = { action: '9', fromId: userId, toId: user, accepted } as const;
  return (await keyed(`9:${user}`, frame)) as FriendResponseNotice;
}

/** Removes `user` from the contacts; resolves with the server's echo. */
export async function removeFriend(keyed: Keyed, userId: string, user: string): Promise<UnfriendNotice> {
  checkUser(user);
  const frame = { action: '10', fromId: userId, toId: user } as const;
  return (await keyed(`10:${user}`, frame)) as UnfriendNotice;
}
