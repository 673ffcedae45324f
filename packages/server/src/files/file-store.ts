import type { Readable } from 'node:stream';

/** Uploaded files. A folder under DATA_DIR by default; an object store could implement it too. */
export interface FileStore {
  /**
   * Streams `body` to storage, never holding it whole in memory. Rejects with FileTooLargeError
   * past `maxBytes` (and keeps nothing).
   */
  put(
    body: Readable,
    meta: { name: string; mime: string; uploader: string | undefined },
    maxBytes: number,
  ): Promise<StoredFile>;
  get(id: string): Promise<StoredFile | undefined>;
  /** The content, or the inclusive byte range `[start, end]` of it. */
  read(file: StoredFile, range?: { start: number; end: number }): Readable;
  /**
   * Removes a file (its URL answers 404 from then on), and its content too when `blob` (no other
   * file has the same content). Removing a file that is gone already is not an error.
   */
  remove(file: { id: string; sha256: string }, blob: boolean): Promise<void>;
  /**
   * Every stored file, for the one-time catalogue of files uploaded before the store kept one;
   * nothing once `markCatalogued` was called.
   */
  uncatalogued(): AsyncIterable<StoredFile>;
  markCatalogued(): Promise<void>;
}

export interface StoredFile {
  /** 128-bit random, base64url: unguessable, so the URL itself is the capability. */
  id: string;
  name: string;
  mime: string;
  size: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  uploader: string | undefined;
  createdMs: number;
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`files are limited to ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}
