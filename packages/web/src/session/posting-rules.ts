/** Who may post to a conversation now, and what the server refusing a message means for it. */
import { ErrorCode, isParleyError } from '@parley/client';
import type { ConversationRef } from '../conversations/conversation.js';
import type { GroupDirectory } from '../groups/group-directory.js';
import { describeError } from './describe-error.js';

/** Refusals a person should read about at once, not only under the message. */
const LOUD_REFUSALS = new Set<string>([
  ErrorCode.Blocked,
  ErrorCode.Muted,
  ErrorCode.NotMember,
  ErrorCode.GroupDismissed,
  ErrorCode.UnknownGroup,
]);

/** What posting rules need from the session. */
export interface PostingHost {
  readonly groups: GroupDirectory;
  flash(text: string): void;
}

/** Posting to groups this user left is stopped before sending; refusals are said and remembered. */
export class PostingRules {
  constructor(private readonly host: PostingHost) {}

  /** Whether this user may post to the conversation now (a group it is still in). */
  maySend(ref: ConversationRef): boolean {
    if (ref.kind !== 'group' || this.host.groups.get(ref.groupId).member !== false) return true;
    this.host.flash('You are no longer a member of this group.');
    return false;
  }

  /** The server refused a message for good: say so, and what it means for the conversation. */
  refused(ref: ConversationRef, err: unknown): void {
    if (!isParleyError(err)) return;
    if (ref.kind === 'group' && err.code === ErrorCode.NotMember) {
      this.host.groups.setMembership(ref.groupId, false);
    }
    if (LOUD_REFUSALS.has(err.code)) this.host.flash(describeError(err));
  }
}
