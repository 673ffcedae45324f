import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { WriteOp, WriteResult } from '../../src/store/store.js';
import { onCleanup } from './test-server.js';

/**
 * A SqliteStore whose commits of chat room messages can be held back or made to fail, to test
 * that nothing is acknowledged or delivered before (or without) its commit.
 */
export class HeldCommitStore extends SqliteStore {
  private gate: { released: Promise<void>; reached: () => void } | undefined;
  /** Batches with a room message throw (the commit fails). */
  failRoomCommits = false;

  /**
   * Holds the next batches with a room message until `release` (and with them the commit queue:
   * other writes wait behind); `reached` resolves once one waits. Released at the latest after the test.
   */
  holdRoomCommits(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const reachedP = new Promise<void>((r) => {
      reached = r;
    });
    this.gate = { released, reached };
    onCleanup(release);
    return {
      reached: reachedP,
      release: () => {
        this.gate = undefined;
        release();
      },
    };
  }

  override async write(ops: readonly WriteOp[]): Promise<WriteResult[]> {
    if (ops.some((op) => op.kind === 'roomAppend')) {
      if (this.failRoomCommits) throw new Error('injected commit failure');
      const gate = this.gate;
      if (gate) {
        gate.reached();
        await gate.released;
      }
    }
    return super.write(ops);
  }
}
