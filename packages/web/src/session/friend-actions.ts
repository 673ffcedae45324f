import type { FriendRequestNotice, FriendResponseNotice, ParleyClient, UnfriendNotice } from '@parley/client';
import type { FriendRequests } from '../contacts/friend-requests.js';
import { peerOf } from '../conversations/conversation.js';
import { describeError } from './describe-error.js';

/** What contact requests need from the session. */
export interface FriendHost {
  readonly me: string;
  readonly friends: FriendRequests;
  client(): ParleyClient;
  refreshContacts(): void;
  flash(text: string): void;
}

/** Contact requests (actions 8, 9, 10) both ways: asking, answering, removing, and their notices. */
export class FriendActions {
  constructor(private readonly host: FriendHost) {}

  add(userId: string, message: string): Promise<boolean> {
    return this.host
      .client()
      .addFriend(userId.trim(), message || undefined)
      .then(
        (f) => {
          this.host.friends.addOutgoing({ userId: f.toId, message: f.chatMsg.message, ts: f.chatMsg.ts });
          this.host.flash(`Request sent to ${f.toId}.`);
          return true;
        },
        (err: unknown) => {
          this.host.flash(describeError(err));
          return false;
        },
      );
  }

  respond(userId: string, accepted: boolean): void {
    this.host
      .client()
      .respondFriend(userId, accepted)
      .then(
        () => {
          this.host.friends.settle(userId);
          if (accepted) this.host.refreshContacts();
        },
        (err: unknown) => this.host.flash(describeError(err)),
      );
  }

  remove(userId: string): void {
    this.host
      .client()
      .removeFriend(userId)
      .then(
        () => this.host.refreshContacts(),
        (err: unknown) => this.host.flash(describeError(err)),
      );
  }

  onRequest(f: FriendRequestNotice): void {
    const item = { message: f.chatMsg?.message ?? '', ts: f.chatMsg?.ts };
    if (f.toId === this.host.me) {
      this.host.friends.addIncoming({ userId: f.fromId, ...item });
      this.host.flash(`${f.fromId} sent you a contact request.`);
    } else this.host.friends.addOutgoing({ userId: f.toId, ...item });
  }

  onResponse(f: FriendResponseNotice): void {
    this.host.friends.settle(peerOf(this.host.me, f));
    if (f.toId === this.host.me) {
      this.host.flash(`${f.fromId} ${f.accepted ? 'accepted' : 'declined'} your contact request.`);
    }
    if (f.accepted) this.host.refreshContacts();
  }

  onRemoved(f: UnfriendNotice): void {
    this.host.friends.settle(peerOf(this.host.me, f));
    this.host.refreshContacts();
  }
}
