import type { MsgTypeCode } from '@parley/protocol';

/** A message waiting for the server's acknowledgement, with the id it will keep on every retry. */
export interface OutboxEntry {
  id: string;
  fromId: string;
  toId: string;
  type: MsgTypeCode;
  message: string;
  /** Epoch ms of the `send()` call. */
  createdAt: number;
}

/**
 * Where unacknowledged messages wait. An entry is added before the message is first written and
 * deleted once the server acknowledged it (or refused it for good), so a persistent implementation
 * (IndexedDB, SQLite, a file, wx.setStorage...) makes sends survive an app restart: entries found
 * at `connect()` are sent again with their original ids, which the server treats as retries.
 * `list()` returns the entries oldest first.
 */
export interface Outbox {
  put(entry: OutboxEntry): Promise<void>;
  delete(id: string): Promise<void>;
  list(): Promise<OutboxEntry[]>;
}

/** The default outbox: in memory, lost with the process. */
export class MemoryOutbox implements Outbox {
  private readonly entries = new Map<string, OutboxEntry>();

  async put(entry: OutboxEntry): Promise<void> {
    this.entries.set(entry.id, { ...entry });
  }

  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }

  async list(): Promise<OutboxEntry[]> {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  get size(): number {
    return this.entries.size;
  }
}
