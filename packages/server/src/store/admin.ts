import type { GroupEntry } from './groups.js';

/**
 * What the server API and data retention need of the store: token revocations, account deletion,
 * age-based sweeps, and the catalogue of uploaded files. Every write is bounded (`limit`), so a
 * sweep or a deletion is many short transactions that chat commits interleave with.
 */

/** An upload as the store catalogues it; the content is the FileStore's. */
export interface FileRecord {
  id: string;
  /** The uploading user (with token auth); undefined for anonymous uploads (open mode). */
  owner: string | undefined;
  sha256: string;
  size: number;
  createdMs: number;
}

/** The admin reads (part of `Store`). */
export interface AdminReads {
  /** Tokens of the user issued before this instant are refused (0: none revoked). */
  tokensValidFrom(userId: string): Promise<number>;
  /** The groups the user is a member of or was one (a former member keeps its row). */
  membershipsOf(userId: string): Promise<{ groupId: string; leftSeq: number | undefined }[]>;
  /** Files uploaded by `owner`, at most `limit`, in no particular order. */
  filesOf(owner: string, limit: number): Promise<FileRecord[]>;
  /** The oldest files uploaded before `beforeMs`, at most `limit`. */
  filesBefore(beforeMs: number, limit: number): Promise<FileRecord[]>;
}

export type EraseResult =
  /** A 1:1 message: erased, and `notice` queued for its recipient. */
  | { outcome: 'erased'; toId: string; noticeId: number }
  /** A group message: erased, and a recall entry appended to the group's timeline. */
  | { outcome: 'erased_in_group'; entry: GroupEntry; recipients: string[] }
  /** Recalled before: nothing to tell anyone (what was left of it is gone now). */
  | { outcome: 'already' }
  /** No message of that user to `toId` with that id. */
  | { outcome: 'not_found' };

/** The admin write operations (part of `WriteOps`). */
export interface AdminWriteOps {
  /**
   * From now on, tokens of the user issued before `validFromMs` are refused. Only ever moves
   * forward: an earlier instant than one already set changes nothing.
   */
  revokeTokens: {
    op: { userId: string; validFromMs: number };
    result: { outcome: 'revoked'; validFromMs: number } | { outcome: 'unknown_user' };
  };
  /**
   * Erases a message the user sent, as its recall would but whenever it was sent, whether the
   * user is still in the group or not: the body and the content digest are emptied, it stops being
   * pending; the recipient gets `notice`, a group a recall entry.
   */
  eraseMessage: {
    op: { userId: string; toId: string; msgId: number; notice: string; timeMs: number };
    result: EraseResult;
  };
  /**
   * Deletes at most `limit` rows per table of what belongs to the user (its timeline, pending
   * deliveries, notices, conversation rows, contacts both ways, friend requests, reservations,
   * blocks both ways, group memberships, upload counts), and blanks its words in the webhook outbox
   * (`OutboxEvent.fromId`); once nothing is left, its messages in room
   * windows and the user itself, keeping only a revocation of its tokens issued before `timeMs`.
   * `more`: call again.
   */
  deleteUser: {
    op: { userId: string; timeMs: number; limit: number };
    result: { outcome: 'deleted' | 'more' | 'unknown_user' };
  };
  /**
   * Deletes at most `limit` of the oldest messages stored before `beforeMs`, with their timeline
   * entries, pending rows and group timeline entries (recalls included). Conversation rows keep
   * their activity time; a last message that is gone reads as none. Never waits for a user's rows
   * that another transaction holds (it leaves those messages to the next sweep).
   */
  expireMessages: { op: { beforeMs: number; limit: number }; result: { deleted: number } };
  /** Drops at most `limit` of the oldest pending deliveries stored before `beforeMs` (never waits). */
  expirePending: { op: { beforeMs: number; limit: number }; result: { expired: number } };
  /** Catalogues an upload (once: recording it again changes nothing). */
  recordFile: { op: FileRecord; result: null };
  /**
   * Removes files from the catalogue; `lastOfBlob`: no catalogued file has that content any more
   * (after the whole drop), so its blob may go too.
   */
  dropFiles: {
    op: { ids: readonly string[] };
    result: { dropped: { id: string; sha256: string; lastOfBlob: boolean }[] };
  };
}
