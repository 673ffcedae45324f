/** Receipt confirmations of stored messages: gathered as they arrive, written together a moment later. */
import { ErrorCode, type ReceivedThroughFrame, type StatusFrame } from '@parley/protocol';

/** How many 1:1 messages confirmed by action 22 are remembered while the server's verdict is unknown. */
const MAX_UNVERIFIED = 1000;

export interface ConfirmationsDeps {
  userId: string;
  /** How long after the first message of a batch the batch is written (0: once the frames at hand are handled). */
  delayMs: number;
  /**
   * How long the first action 22 of a connection may go without an UNKNOWN_ACTION answer before
   * the server counts as knowing it (an older server refuses it as soon as it reads it).
   */
  verdictMs: number;
  /** Writes on the current connection (`now`: at once, unpaced); false when there is none. */
  write(frame: StatusFrame | ReceivedThroughFrame, now: boolean): boolean;
}

/** A message to confirm by itself (action 4 status 1): to its sender, or to its group. */
interface Receipt {
  toId: string;
  id: string;
}

/**
 * What this client owes the server for the stored messages it received, written `delayMs` after
 * the first message of a batch, duplicates included (the server replays until it is confirmed):
 * - 1:1 messages: one action 22 "received through" the highest `seq` of the batch. A message
 *   without a `seq`, and every 1:1 message once the server turned out not to know action 22 (it
 *   answered UNKNOWN_ACTION), gets an action 4 status 1 of its own.
 * - group messages: one action 4 status 1 per group, for the message at the group's highest
 *   position, which confirms the member's entries of that group up to there.
 * A batch dies with its connection: the next connect's `since` confirms its 1:1 messages on the
 * server (group messages still pending come again). `close()` writes what is outstanding first.
 */
export class Confirmations {
  /** The batch's 1:1 messages by id: whom to confirm to, and their position in the user's timeline. */
  private readonly users = new Map<string, { toId: string; seq: number | undefined }>();
  /** Per group of the batch, its message at the highest position. */
  private readonly groups = new Map<string, { id: string; seq: number }>();
  /** The batch's group messages without a position: each confirmed by itself. */
  private readonly unplaced = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the server knows action 22: unknown until it refuses it, or lets it pass `verdictMs`. */
  private support: 'unknown' | 'yes' | 'no' = 'unknown';
  /**
   * While that is unknown: the 1:1 messages the action 22s of this connection stood for (confirmed
   * one by one if the server refuses the action), and when the first of those was written.
   */
  private unverified: Receipt[] = [];
  private probedAt: number | undefined;
  private closed = false;

  constructor(private readonly deps: ConfirmationsDeps) {}

  /** A stored 1:1 message from `fromId` (yourself for notes) arrived, at `seq` of the user's timeline. */
  user(fromId: string, id: string, seq: number | undefined): void {
    if (this.closed) return;
    const placed = typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0;
    this.users.set(id, { toId: fromId, seq: placed ? seq : undefined });
    this.arm();
  }

  /** A stored message of group `groupId` arrived, at `seq` of the group's timeline. */
  group(groupId: string, id: string, seq: number | undefined): void {
    if (this.closed) return;
    if (typeof seq !== 'number') this.unplaced.set(id, groupId);
    else {
      const top = this.groups.get(groupId);
      if (!top || seq >= top.seq) this.groups.set(groupId, { id, seq });
    }
    this.arm();
  }

  /** Writes the batch now (`now`: unpaced, for the last one before a close). */
  flush(now = false): void {
    this.stopTimer();
    this.settleVerdict();
    let through: number | undefined;
    const covered: Receipt[] = [];
    const single: Receipt[] = [];
    for (const [id, { toId, seq }] of this.users) {
      if (seq === undefined || this.support === 'no') single.push({ toId, id });
      else {
        covered.push({ toId, id });
        if (through === undefined || seq > through) through = seq;
      }
    }
    for (const [groupId, { id }] of this.groups) single.push({ toId: groupId, id });
    for (const [id, groupId] of this.unplaced) single.push({ toId: groupId, id });
    this.users.clear();
    this.groups.clear();
    this.unplaced.clear();
    const fromId = this.deps.userId;
    if (through !== undefined && this.deps.write({ action: '22', fromId, seq: through }, now)) {
      if (this.support === 'unknown') this.remember(covered);
    }
    for (const { toId, id } of single) {
      this.deps.write({ action: '4', fromId, toId, chatMsg: { id, status: 1 } }, now);
    }
  }

  /**
   * The server answered an action 22 with an error frame of `code`. True if that is the SDK's
   * business alone: an older server that does not know the action (UNKNOWN_ACTION). From then on
   * 1:1 messages are confirmed one by one, those the refused frames stood for first.
   */
  refused(code: string): boolean {
    if (code !== ErrorCode.UnknownAction) {
      if (code === ErrorCode.BadRequest) this.verdict('yes'); // it read the frame: it knows the action
      return false;
    }
    const refusedFor = this.unverified;
    this.verdict('no');
    if (!this.closed) {
      for (const r of refusedFor)
        if (!this.users.has(r.id)) this.users.set(r.id, { toId: r.toId, seq: undefined });
      if (this.users.size > 0) this.arm();
    }
    return true;
  }

  /** The connection went away: forget the batch (the next connect's `since` confirms it). */
  dropped(): void {
    this.stopTimer();
    this.users.clear();
    this.groups.clear();
    this.unplaced.clear();
    this.unverified = [];
    this.probedAt = undefined;
  }

  /** The client closes: writes what is outstanding (if the connection is still up), then takes no more. */
  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    this.dropped();
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.deps.delayMs);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remember(covered: Receipt[]): void {
    this.probedAt ??= Date.now();
    this.unverified.push(...covered);
    if (this.unverified.length > MAX_UNVERIFIED)
      this.unverified.splice(0, this.unverified.length - MAX_UNVERIFIED);
  }

  /** No UNKNOWN_ACTION within `verdictMs` of the first action 22: the server knows it. */
  private settleVerdict(): void {
    if (this.support !== 'unknown' || this.probedAt === undefined) return;
    if (Date.now() - this.probedAt >= this.deps.verdictMs) this.verdict('yes');
  }

  private verdict(support: 'yes' | 'no'): void {
    this.support = support;
    this.unverified = [];
    this.probedAt = undefined;
  }
}
