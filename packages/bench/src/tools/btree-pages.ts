import { closeSync, openSync, readSync } from 'node:fs';

/** SQLite's B-tree page types (the first byte of a page's header). */
const INDEX_INTERIOR = 2;
const TABLE_INTERIOR = 5;
/** Page 1 starts with the 100-byte database header; its B-tree header follows it. */
const DB_HEADER_BYTES = 100;

/**
 * The child pages of a B-tree interior page (its cells' left children and its right-most child),
 * or null for any other page: a leaf, a free-list page, an overflow page.
 */
export function interiorChildren(page: Buffer, pageNo: number): number[] | null {
  const h = pageNo === 1 ? DB_HEADER_BYTES : 0;
  const type = page[h];
  if (type !== INDEX_INTERIOR && type !== TABLE_INTERIOR) return null;
  const cells = page.readUInt16BE(h + 3);
  const children = [page.readUInt32BE(h + 8)];
  for (let i = 0; i < cells; i++) {
    const cell = page.readUInt16BE(h + 12 + 2 * i);
    // both kinds of interior cell begin with the 4-byte page number of their left child
    if (cell + 4 <= page.length) children.push(page.readUInt32BE(cell));
  }
  return children;
}

/** Deeper than any B-tree of a real database: a walk this long is following stale links. */
const MAX_DEPTH = 32;

/**
 * Which B-tree each page belongs to as a database changes: the interior pages' links to their
 * children, kept up to date page image by page image, and the root page of every table and index.
 * A page belongs to the tree whose root its chain of parents reaches; a page no interior page of a
 * tree links to (a free-list page, an overflow page, a page freed since) belongs to none.
 */
export class PageTrees {
  private readonly parentOf = new Map<number, number>();
  private readonly childrenOf = new Map<number, number[]>();

  /** `roots`: the name of the table or index whose root each page is (page 1: `sqlite_schema`). */
  constructor(private readonly roots: ReadonlyMap<number, string>) {}

  /** A new image of page `pageNo`: an interior page with these `children`, or (null) any other page. */
  update(pageNo: number, children: readonly number[] | null): void {
    for (const c of this.childrenOf.get(pageNo) ?? [])
      if (this.parentOf.get(c) === pageNo) this.parentOf.delete(c);
    if (children === null) {
      this.childrenOf.delete(pageNo);
      return;
    }
    this.childrenOf.set(pageNo, [...children]);
    for (const c of children) this.parentOf.set(c, pageNo);
  }

  /** The table or index that holds `pageNo` now, if any. */
  treeOf(pageNo: number): string | undefined {
    let p = pageNo;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const root = this.roots.get(p);
      if (root !== undefined) return root;
      const parent = this.parentOf.get(p);
      if (parent === undefined) return undefined;
      p = parent;
    }
    return undefined;
  }

  /**
   * Reads the interior pages of a database file (its state before the WAL's frames). Only the pages
   * the roots reach count: a page freed earlier keeps its old content, links to children included.
   */
  loadFile(file: string, pageSize: number): void {
    const interior = new Map<number, number[]>();
    const fd = openSync(file, 'r');
    try {
      const page = Buffer.alloc(pageSize);
      for (let pageNo = 1; readSync(fd, page, 0, pageSize, (pageNo - 1) * pageSize) === pageSize; pageNo++) {
        const children = interiorChildren(page, pageNo);
        if (children) interior.set(pageNo, children);
      }
    } finally {
      closeSync(fd);
    }
    const reached = [...this.roots.keys()];
    const seen = new Set(reached);
    while (reached.length > 0) {
      const p = reached.pop()!;
      const children = interior.get(p);
      if (!children) continue;
      this.update(p, children);
      for (const c of children) {
        if (seen.has(c)) continue;
        seen.add(c);
        reached.push(c);
      }
    }
  }
}
