import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { interiorChildren, PageTrees } from './btree-pages.js';

/** Pages of one table or index in the WAL. */
export interface TreePages {
  /** The table or index (`NO_TREE` for free-list and overflow pages). */
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

/** A frame of the WAL: the page it holds an image of, and what the B-tree structure needs of it. */
export interface WalFrame {
  page: number;
  /** The frame ends a transaction (its commit). */
  commit: boolean;
  /** The image's children if it is a B-tree interior page, else null (see `interiorChildren`). */
  children: number[] | null;
}

/** Every frame of the WAL's current generation, in order. */
export function readWalFrames(
  file: string,
  framesPerRead = FRAMES_PER_READ,
): {
  pageSize: number;
  frames: WalFrame[];
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
    const frames: WalFrame[] = [];
    for (let pos = WAL_HEADER_BYTES; ; ) {
      const got = readSync(fd, chunk, 0, chunk.length, pos);
      for (let off = 0; off + frameBytes <= got; off += frameBytes) {
        // a frame of an earlier generation (the WAL restarted over it) carries other salts: the end
        if (chunk.readUInt32BE(off + 8) !== salt1 || chunk.readUInt32BE(off + 12) !== salt2)
          return { pageSize, frames };
        const page = chunk.readUInt32BE(off);
        const image = chunk.subarray(off + FRAME_HEADER_BYTES, off + frameBytes);
        frames.push({
          page,
          commit: chunk.readUInt32BE(off + 4) !== 0,
          children: interiorChildren(image, page),
        });
      }
      if (got < chunk.length) return { pageSize, frames };
      pos += got;
    }
  } finally {
    closeSync(fd);
  }
}

/** Frames counted under no B-tree: free-list pages, overflow pages, pages no tree linked to then. */
export const NO_TREE = '(no B-tree)';

/**
 * Which tables and indexes the pages in a Parley data folder's WAL belong to (`parley.db-wal`, left
 * by a server that was killed or is still running with checkpoints far apart), once per frame: a
 * page written by ten commits counts ten times, as it was written ten times.
 *
 * A frame counts under the B-tree that held its page at the frame's commit: the database file's
 * interior pages give the trees' shape before the WAL, and each commit's interior pages change it
 * (`PageTrees`). A page can change hands: a queue-like table (rows inserted, then deleted soon
 * after) frees leaves and takes them again, and the pages it held are on the free list at the end.
 * Counted by the end state alone, their frames would be nobody's.
 */
export function walPages(dataDir: string): WalPages {
  const file = path.join(dataDir, 'parley.db');
  const { pageSize, frames } = readWalFrames(`${file}-wal`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const roots = new Map<number, string>([[1, 'sqlite_schema']]);
    for (const r of db.prepare('SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0').all() as {
      name: string;
      rootpage: number;
    }[])
      roots.set(r.rootpage, r.name);
    const trees = new PageTrees(roots);
    trees.loadFile(file, pageSize);
    const counts = new Map<string, number>();
    for (let first = 0; first < frames.length; ) {
      let end = first;
      while (end < frames.length - 1 && !frames[end]!.commit) end++;
      const transaction = frames.slice(first, end + 1);
      // the whole transaction's structure first: a new leaf's frame may come before its parent's
      for (const f of transaction) trees.update(f.page, f.children);
      for (const f of transaction) {
        const name = trees.treeOf(f.page) ?? NO_TREE;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      first = end + 1;
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
