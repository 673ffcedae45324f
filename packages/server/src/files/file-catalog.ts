import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { CoreContext } from '../core/context.js';
import type { FileRecord } from '../store/admin.js';
import type { FileStore, StoredFile } from './file-store.js';

/** Files read or removed per step. */
const PAGE = 100;

/**
 * The database's catalogue of uploads (table `files`: owner, content hash, size, time), kept next
 * to the FileStore so that a user's uploads (account deletion) and old uploads (retention) are
 * found by index, not by listing the folder. Uploads are recorded as they are stored; uploads made
 * before the catalogue existed are recorded once, at the first start (`catalogueExisting`).
 */
export class FileCatalog {
  constructor(
    private readonly files: FileStore,
    private readonly ctx: Pick<CoreContext, 'write' | 'store' | 'clock'>,
    private readonly log: Logger,
  ) {}

  /** The FileStore for the upload route: each upload stored is also catalogued. */
  recording(): FileStore {
    const { files } = this;
    return {
      put: async (body: Readable, meta, maxBytes) => {
        const file = await files.put(body, meta, maxBytes);
        try {
          // stored now, by the clock retention measures with
          await this.ctx.write({ kind: 'recordFile', ...recordOf(file), createdMs: this.ctx.clock.now() });
        } catch (err) {
          // not catalogued, not handed out: its content may be another file's, so only it goes
          await files.remove(file, false).catch(() => {});
          throw err;
        }
        return file;
      },
      get: (id) => files.get(id),
      read: (file, range) => files.read(file, range),
      remove: (file, blob) => files.remove(file, blob),
      uncatalogued: () => files.uncatalogued(),
      markCatalogued: () => files.markCatalogued(),
    };
  }

  /** Records the files stored before the catalogue existed (once per files folder). */
  async catalogueExisting(): Promise<number> {
    let batch: Promise<unknown>[] = [];
    let n = 0;
    for await (const file of this.files.uncatalogued()) {
      batch.push(this.ctx.write({ kind: 'recordFile', ...recordOf(file) }));
      n++;
      if (batch.length >= PAGE) {
        await Promise.all(batch);
        batch = [];
      }
    }
    await Promise.all(batch);
    await this.files.markCatalogued();
    if (n > 0) this.log.info({ files: n }, 'catalogued the uploads stored before');
    return n;
  }

  /** Removes every upload of `owner`; returns how many. */
  async removeOwnedBy(owner: string): Promise<number> {
    return this.removeAll(() => this.ctx.store.filesOf(owner, PAGE));
  }

  /** Removes at most `limit` uploads stored before `beforeMs`, oldest first; returns how many. */
  async removeOlderThan(beforeMs: number, limit: number): Promise<number> {
    let removed = 0;
    while (removed < limit) {
      const n = await this.removePage(
        await this.ctx.store.filesBefore(beforeMs, Math.min(PAGE, limit - removed)),
      );
      removed += n;
      if (n === 0) break;
    }
    return removed;
  }

  private async removeAll(page: () => Promise<FileRecord[]>): Promise<number> {
    let removed = 0;
    for (let n = await this.removePage(await page()); n > 0; n = await this.removePage(await page()))
      removed += n;
    return removed;
  }

  /** Out of the catalogue first (no URL of it is handed out any more), then off the disk. */
  private async removePage(records: FileRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const { dropped } = await this.ctx.write({ kind: 'dropFiles', ids: records.map((f) => f.id) });
    for (const f of dropped) {
      await this.files.remove(f, f.lastOfBlob).catch((err: unknown) => {
        this.log.warn({ err, file: f.id }, 'could not remove an uploaded file');
      });
    }
    return dropped.length;
  }
}

function recordOf(f: StoredFile): FileRecord {
  return { id: f.id, owner: f.uploader, sha256: f.sha256, size: f.size, createdMs: f.createdMs };
}
