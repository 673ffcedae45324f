import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** Pages of one table or index in the WAL. */
export interface TreePages {
  /** The table or index (`(free)` for pages no B-tree holds at the end: freed, or on the freelist). */
  name: string;
  frames: number;
}

/** What a SQLite WAL holds: frames (page images), commits, and the B-trees the pages belong to. */
export interface WalPages {
  pageSize: number;
  frames: number;
  commits: number;
  /** Rows of `messages` at the last commit the WAL holds. */
  messages: number;
  /** Most frames first. */
  trees: TreePages[];
}

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const WAL_MAGIC = [0x377f0682, 0x377f0683];

/** Frames read from the file at a time: a WAL can be larger than one Buffer may be. */
const FRAMES_PER_READ = 4096;

/** The page number and commit mark of every frame of the WAL's current generation, in order. */
export function readWalFrames(
  file: string,
  framesPerRead = FRAMES_PER_READ,
): {
  pageSize: number;
  frames: { page: number; commit: boolean }[];
} {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(WAL_HEADER_BYTES);
    if (
      readSync(fd, header, 0, WAL_HEADER_BYTES, 0) < WAL_HEADER_BYTES ||
      !WAL_MAGIC.includes(header.readUInt32BE(0))
    )
      throw new Error(`${file}: not a SQLite WAL`);
    const pageSize = header.readUInt32BE(8);
    const [salt1, salt2] = [header.readUInt32BE(16), header.readUInt32BE(20)];
    const frameBytes = FRAME_HEADER_BYTES + pageSize;
    const chunk = Buffer.alloc(frameBytes * framesPerRead);
    const frames: { page: number; commit: boolean }[] = [];
    for (let pos = WAL_HEADER_BYTES; ; ) {
      const got = readSync(fd, chunk, 0, chunk.length, pos);
      for (let off = 0; off + frameBytes <= got; off += frameBytes) {
        // a frame of an earlier generation (the WAL restarted over it) carries other salts: the end
        if (chunk.readUInt32BE(off + 8) !== salt1 || chunk.readUInt32BE(off + 12) !== salt2)
          return { pageSize, frames };
        frames.push({ page: chunk.readUInt32BE(off), commit: chunk.readUInt32BE(off + 4) !== 0 });
      }
      if (got < chunk.length) return { pageSize, frames };
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Which tables and indexes the pages in a Parley data folder's WAL belong to (`parley.db-wal`, left
 * by a server that was killed or is still running with checkpoints far apart). A page is counted
 * under the B-tree that holds it at the WAL's last commit (SQLite's `dbstat`), once per frame: a
 * page written by ten commits counts ten times, as it was written ten times.
 */
export function walPages(dataDir: string): WalPages {
  const file = path.join(dataDir, 'parley.db');
  const { pageSize, frames } = readWalFrames(`${file}-wal`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const owner = new Map<number, string>();
    for (const r of db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[])
      owner.set(r.pageno, r.name);
    const counts = new Map<string, number>();
    for (const f of frames) {
      const name = owner.get(f.page) ?? '(free)';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const messages = (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    return {
      pageSize,
      frames: frames.length,
      commits: frames.filter((f) => f.commit).length,
      messages,
      trees: [...counts].map(([name, n]) => ({ name, frames: n })).sort((a, b) => b.frames - a.frames),
    };
  } finally {
    db.close();
  }
}
