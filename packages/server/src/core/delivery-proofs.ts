import type { Peer } from './peer.js';

/** Who is told what a pong proved: the connection's session. */
export interface ProofOwner {
  confirmProven(written: ReadonlyMap<string, number>): void;
}

/** What a proof carries when nothing was written since the last one. */
const NONE_WRITTEN: ReadonlyMap<string, number> = new Map();

/**
 * Proof of delivery for a connection whose client does not confirm what it receives (a client
 * written from the seed) and for group entries: a frame counts as received once the client's
 * WebSocket has answered a ping sent after it. Frames written in the same turn share one ping, and
 * one proof is in flight at a time (the next covers everything written meanwhile). If the
 * connection ends first, what was not proven stays pending and comes again at the next connect.
 */
export class DeliveryProofs {
  /** Frames written and not proven yet, and those the proof in flight covers. */
  private unproven = 0;
  private proving = 0;
  /** The highest position written per timeline ('' the user's own, else a group's); made when needed. */
  private written: Map<string, number> | undefined;
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly peer: Pick<Peer, 'proveReceived'>,
    /** Told the positions a pong proved, per timeline (an object, not a closure: one less per connection). */
    private readonly owner: ProofOwner,
  ) {}

  /**
   * A frame at `seq` of `stream`'s timeline (none: the user's own) reached the socket. Without
   * `ping` it needs no proof of its own (the sending connection's own message): the next proof
   * carries its position.
   */
  wrote(stream: string | undefined, seq: number, ping = true): void {
    const key = stream ?? '';
    if (!this.written) this.written = new Map();
    if (seq > (this.written.get(key) ?? 0)) this.written.set(key, seq);
    if (!ping) return;
    this.unproven++;
    this.schedule();
  }

  /** Frames written whose receipt is not proven yet. */
  get pending(): number {
    return this.unproven + this.proving;
  }

  /** The connection is gone: nothing more is proven. */
  stop(): void {
    this.stopped = true;
    this.unproven = 0;
    this.proving = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.proving > 0 || this.unproven === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.request();
    });
  }

  private request(): void {
    if (this.stopped || this.unproven === 0) return;
    const written: ReadonlyMap<string, number> = this.written ?? NONE_WRITTEN;
    this.written = undefined;
    this.proving = this.unproven;
    this.unproven = 0;
    this.peer.proveReceived(() => {
      this.proving = 0;
      this.owner.confirmProven(written);
      this.schedule();
    });
  }
}
