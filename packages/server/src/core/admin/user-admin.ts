import { CloseCode, ErrorCode } from '@parley/protocol';
import type { CoreContext } from '../context.js';
import { CoreError } from '../core-error.js';
import { eraseGroupMessages, eraseSentMessages } from './erase.js';

/** Removes the uploads of a user (the file catalogue, `files/file-catalog.ts`). */
export interface UploadRemover {
  removeOwnedBy(owner: string): Promise<number>;
}

/** What a deletion did. */
export interface DeletionReport {
  /** Messages of the user erased now (1:1 and in groups). */
  erased: number;
  /** Groups the user left now. */
  groupsLeft: number;
  /** Uploads removed. */
  files: number;
}

/** Rows per table and transaction when deleting what is left of a user. */
const DELETE_CHUNK = 500;

/**
 * The server API's powers over a user's connections and data: kick (close every connection on
 * every node), revoke (refuse tokens issued before a time, at connect and for the connections
 * open now) and delete (the account and its data, for privacy requests).
 */
export class UserAdmin {
  constructor(
    private readonly ctx: CoreContext,
    private readonly uploads?: UploadRemover,
  ) {}

  /** Closes every connection of the user, on every node, with 4403. */
  async kick(userId: string, reason = 'closed by the operator'): Promise<void> {
    await this.existing(userId);
    this.ctx.publish({ kind: 'kick', userId, code: CloseCode.Kicked, frame: reason });
  }

  /**
   * Tokens of the user issued before `beforeMs` are refused from now on (stored: every node, after
   * restarts), and its connections that authenticated with one are closed with 4401. Returns the
   * instant in force (a revocation never moves back).
   */
  async revoke(userId: string, beforeMs: number): Promise<number> {
    const r = await this.ctx.write({ kind: 'revokeTokens', userId, validFromMs: beforeMs });
    if (r.outcome === 'unknown_user') throw unknownUser(userId);
    this.ctx.publish({
      kind: 'kick',
      userId,
      code: CloseCode.AuthFailed,
      frame: 'the token was revoked',
      issuedBefore: r.validFromMs,
    });
    return r.validFromMs;
  }

  /**
   * Deletes the user: its connections are closed and its tokens revoked, every message it sent is
   * erased as a recall would (recipients and group members are told), it leaves its groups as a
   * member leaving would (an owner hands the group over), its uploads are removed, then whatever
   * else is its (timeline, pending deliveries, notices, conversation rows, contacts both ways,
   * friend requests, reservations, blocks both ways, memberships, its words in webhook events) and
   * the user itself, in bounded transactions. Safe to run again after an interruption: what was done is not done twice.
   */
  async delete(userId: string): Promise<DeletionReport> {
    await this.existing(userId);
    const { ctx } = this;
    await ctx.write({ kind: 'revokeTokens', userId, validFromMs: ctx.clock.now() });
    this.close(userId);
    const report: DeletionReport = { erased: 0, groupsLeft: 0, files: 0 };
    report.erased += await eraseSentMessages(ctx, userId);
    const memberships = await ctx.store.membershipsOf(userId);
    for (const m of memberships) report.erased += await eraseGroupMessages(ctx, userId, m);
    for (const m of memberships) {
      if (m.leftSeq !== undefined) continue;
      try {
        await ctx.groups.change(m.groupId, userId, { op: 'leave' });
        report.groupsLeft++;
      } catch (err) {
        // a dismissed group takes no more changes: its membership row just goes
        if (!(err instanceof CoreError)) throw err;
      }
    }
    if (this.uploads) report.files = await this.uploads.removeOwnedBy(userId);
    for (;;) {
      const r = await ctx.write({ kind: 'deleteUser', userId, timeMs: ctx.clock.now(), limit: DELETE_CHUNK });
      if (r.outcome !== 'more') break;
    }
    // a connection that came in meanwhile (open mode) goes too
    this.close(userId);
    return report;
  }

  private close(userId: string): void {
    this.ctx.publish({ kind: 'kick', userId, code: CloseCode.Kicked, frame: 'the account was deleted' });
  }

  private async existing(userId: string): Promise<void> {
    if (!(await this.ctx.store.getUser(userId))) throw unknownUser(userId);
  }
}

const unknownUser = (userId: string) => new CoreError(ErrorCode.UnknownUser, `no user ${userId}`);
