import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type TestClient, textFrame } from './helpers/test-client.js';
import { startTestServer, tempDir } from './helpers/test-server.js';
import { waitFor } from './helpers/wait-for.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs `parley backup ...` from the build as its own process (without blocking this one's server). */
function backup(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  // a developer's own cluster settings must not leak into the command
  const { DATABASE_URL, DATABASE_SCHEMA, REDIS_URL, REDIS_PREFIX, ...inherited } = process.env;
  const child = spawn(process.execPath, [MAIN, 'backup', ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

function integrity(file: string): unknown {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

/** Sends batches of ten messages to `to`, each batch once its ids came, until `running()` is false. */
async function sendUntil(c: TestClient, to: string, acked: string[], running: () => boolean): Promise<void> {
  for (let n = 0; running(); n++) {
    const ids = await c.ids();
    const acks = ids.map((id) =>
      c.next((f) => (f.action === '4' || f.action === '0') && (f.chatMsg?.id === id || f.ref?.id === id)),
    );
    for (const id of ids) c.send(textFrame(c.userId!, to, id, `${c.userId} ${n} ${id}`));
    for (const ack of await Promise.all(acks)) {
      expect(ack.action, JSON.stringify(ack)).toBe('4');
      acked.push(ack.chatMsg.id);
    }
  }
}

/** Every message id in the conversation of `c`'s user with `peer`, paging back through action 12. */
async function historyIds(c: TestClient, peer: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let base: string | undefined;
  for (;;) {
    const page = await c.request({
      action: '12',
      fromId: c.userId,
      toId: peer,
      pageSize: 100,
      ...(base && { baseMsgId: base }),
    });
    if (page.historyMsgs.length === 0) return ids;
    for (const m of page.historyMsgs) ids.add(m.chatMsg.id);
    base = page.historyMsgs[0].chatMsg.id;
  }
}

describe('parley backup', () => {
  it('copies a live database under load: a server on the copy has every message acknowledged before it', async () => {
    const live = await startTestServer({ framesPerSecond: 0, userFramesPerSecond: 0, idBatchesPerMinute: 0 });
    await live.connect('B');
    const senders = [await live.connect('A1'), await live.connect('A2')];
    const acked: string[][] = [[], []];
    let running = true;
    const load = senders.map((c, i) => sendUntil(c, 'B', acked[i]!, () => running));
    const total = () => acked[0]!.length + acked[1]!.length;
    await waitFor(() => total() >= 300, '300 acknowledged messages');

    const before = acked.map((a) => [...a]);
    const file = path.join(tempDir(), 'parley-backup.db');
    // the live server holds the data folder's pid lock all along
    const r = await backup([file], { DATA_DIR: live.dataDir });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Backup of .*parley\.db written to .*parley-backup\.db \(\d+ bytes\)/);
    await waitFor(
      () => total() > before[0]!.length + before[1]!.length,
      'messages acknowledged after the backup',
    );
    running = false;
    await Promise.all(load);
    expect(existsSync(path.join(live.dataDir, 'parley.pid'))).toBe(true);

    expect(integrity(file)).toBe('ok');
    const restoredDir = tempDir();
    copyFileSync(file, path.join(restoredDir, 'parley.db'));
    const restored = await startTestServer({}, {}, restoredDir);
    for (const [i, name] of ['A1', 'A2'].entries()) {
      const history = await historyIds(await restored.connect(name), 'B');
      const missing = before[i]!.filter((id) => !history.has(id));
      expect(missing, `${name}: acknowledged before the backup, missing from the copy`).toEqual([]);
      // and nothing that was never acknowledged
      for (const id of history) expect(acked[i]).toContain(id);
    }
  });

  it('refuses an existing file unless --force, and leaves no partial file when it fails', async () => {
    const live = await startTestServer();
    const a = await live.connect('A');
    await live.connect('B');
    await a.say('B', 'before the backup');
    const out = tempDir();
    const file = path.join(out, 'copy.db');
    writeFileSync(file, 'keep me');
    const refused = await backup([file], { DATA_DIR: live.dataDir });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/exists; pass --force/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const forced = await backup([file, '--force'], { DATA_DIR: live.dataDir });
    expect(forced.code).toBe(0);
    expect(integrity(file)).toBe('ok');
    expect(readdirSync(out)).toEqual(['copy.db']);

    // a "database" that is not one: the copy fails half way, and its temporary file goes
    const broken = tempDir();
    writeFileSync(path.join(broken, 'parley.db'), Buffer.alloc(8192, 7));
    const failed = await backup([path.join(out, 'broken.db')], { DATA_DIR: broken });
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^parley backup: /);
    expect(readdirSync(out)).toEqual(['copy.db']);

    const empty = await backup([path.join(out, 'none.db')], { DATA_DIR: tempDir() });
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/no database at/);
    expect(readdirSync(out)).toEqual(['copy.db']);
  });

  it('points to pg_dump in PostgreSQL mode', async () => {
    const r = await backup([path.join(tempDir(), 'x.db')], {
      DATABASE_URL: 'postgres://parley@db.invalid/parley',
    });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pg_dump/);
  });
});
