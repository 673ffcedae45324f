import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ensureDir } from '../datadir/ensure-dir.js';
import { type FileStore, FileTooLargeError, type StoredFile } from './file-store.js';

const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Files in a folder: content under `blobs/<sha256>` (identical uploads share one blob), metadata
 * under `meta/<id>.json`. Uploads stream to `tmp/` while being hashed and counted, and are moved
 * into place only when complete, so a crash never leaves a half file behind a URL.
 */
export class LocalFileStore implements FileStore {
  /** Creates the folders at once, so that a data folder that cannot be used stops the start. */
  constructor(private readonly root: string) {
    for (const d of ['blobs', 'meta', 'tmp']) ensureDir(path.join(root, d));
  }

  async put(
    body: Readable,
    meta: { name: string; mime: string; uploader: string | undefined },
    maxBytes: number,
  ): Promise<StoredFile> {
    const id = randomBytes(16).toString('base64url');
    const tmp = path.join(this.root, 'tmp', id);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const sha256 = hash.digest('hex');
    await rename(tmp, this.blobPath(sha256));
    const file: StoredFile = {
      id,
      name: meta.name,
      mime: meta.mime,
      size,
      sha256,
      uploader: meta.uploader,
      createdMs: Date.now(),
    };
    const metaTmp = path.join(this.root, 'tmp', `${id}.json`);
    await writeFile(metaTmp, JSON.stringify(file));
    await rename(metaTmp, path.join(this.root, 'meta', `${id}.json`));
    return file;
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      const file = JSON.parse(
        await readFile(path.join(this.root, 'meta', `${id}.json`), 'utf8'),
      ) as StoredFile;
      await stat(this.blobPath(file.sha256));
      return file;
    } catch {
      return undefined;
    }
  }

  read(file: StoredFile, range?: { start: number; end: number }): Readable {
    return createReadStream(this.blobPath(file.sha256), range);
  }

  async remove(file: { id: string; sha256: string }, blob: boolean): Promise<void> {
    if (!ID.test(file.id)) return;
    await rm(path.join(this.root, 'meta', `${file.id}.json`), { force: true });
    if (blob && /^[0-9a-f]{64}$/.test(file.sha256)) await rm(this.blobPath(file.sha256), { force: true });
  }

  async *uncatalogued(): AsyncIterable<StoredFile> {
    if (await exists(this.markPath())) return;
    for (const name of await readdir(path.join(this.root, 'meta'))) {
      const id = name.replace(/\.json$/, '');
      if (name === id) continue;
      const file = await this.get(id);
      if (file) yield file;
    }
  }

  async markCatalogued(): Promise<void> {
    await writeFile(this.markPath(), 'the uploads in meta/ are in the database catalogue (table files)\n');
  }

  private markPath(): string {
    return path.join(this.root, 'catalogued');
  }

  private blobPath(sha256: string): string {
    return path.join(this.root, 'blobs', sha256);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
