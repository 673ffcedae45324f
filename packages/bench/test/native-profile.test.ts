import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopAllChildren } from '../src/process/children.js';
import { perfUnavailable, perfWindows } from '../src/process/perf-record.js';
import { NativeSamples, nativeProfileMarkdown } from '../src/report/native-profile.js';
import { silentProgress } from '../src/report/progress.js';
import { runLevels } from '../src/scenarios/levels.js';
import { requireBuiltServer } from './require-build.js';

afterAll(() => stopAllChildren(1000));

const SQLITE = '(/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node)';
const KERNEL = '([kernel.kallsyms])';
const NODE = '(/usr/bin/node)';

/** One sample as `perf script -F tid,ip,sym,dso` prints it: the thread, then its frames, innermost first. */
function sample(tid: number, frames: string[]): string {
  return [` ${tid} `, ...frames.map((f, i) => `\t    ${(0x1000 + i).toString(16)} ${f}`), ''].join('\n');
}

const worker = 'node::worker::Worker::Run (/usr/bin/node)';
const step = `sqlite3_step ${SQLITE}`;

function script(): string {
  const out: string[] = [];
  const times = (n: number, s: string) => {
    for (let i = 0; i < n; i++) out.push(s);
  };
  // the event loop (tid = pid 100): sockets, JavaScript, garbage collection
  times(5, sample(100, [`tcp_sendmsg_locked ${KERNEL}`, `sock_write_iter ${KERNEL}`, `uv__io_poll ${NODE}`]));
  times(3, sample(100, ['JS:*send file:///app/ws-peer.js:27:9 (/tmp/perf-100.map)', `uv__io_poll ${NODE}`]));
  times(2, sample(100, [`v8::internal::Scavenger::ScavengeObject ${NODE}`, `uv__io_poll ${NODE}`]));
  // the writer (101): WAL frames (some in the kernel's pwrite), the page-cache scan, B-trees, binding,
  // its JavaScript (run inside the handler of the batch's message) and its answer's postMessage
  const onMessage = `node::worker::MessagePort::OnMessage ${NODE}`;
  const pwrite = [`ext4_buffered_write_iter ${KERNEL}`, '__libc_pwrite (/lib/libc.so.6)'];
  times(4, sample(101, [...pwrite, `pagerWalFrames+0x1a ${SQLITE}`, step, onMessage, worker]));
  times(4, sample(101, [`walChecksumBytes ${SQLITE}`, `pagerWalFrames ${SQLITE}`, step, onMessage, worker]));
  times(8, sample(101, [`pcache1TruncateUnsafe+0x44 ${SQLITE}`, `pcache1Truncate ${SQLITE}`, step, worker]));
  times(12, sample(101, [`sqlite3BtreeIndexMoveto ${SQLITE}`, step, onMessage, worker]));
  times(4, sample(101, [`v8::Object::Set ${NODE}`, `Statement::JS_run ${SQLITE}`, onMessage, worker]));
  const js = 'JS:*appendToUser file:///app/message-writes.js:27:22 (/tmp/perf-100.map)';
  times(4, sample(101, [`Builtins_FindOrderedHashMapEntry ${NODE}`, js, onMessage, worker]));
  const post = `node::worker::MessagePort::PostMessage ${NODE}`;
  times(4, sample(101, [`v8::internal::ValueSerializer::WriteObject ${NODE}`, post, js, onMessage, worker]));
  // the checkpointer (102)
  times(9, sample(102, [`walCheckpoint ${SQLITE}`, `sqlite3WalCheckpoint ${SQLITE}`, worker]));
  // a thread too idle to report (1 sample of 40)
  out.push(sample(103, [`start_thread (/lib/libc.so.6)`]));
  return out.join('');
}

describe('perf samples by thread', () => {
  const samples = new NativeSamples();
  for (const line of script().split('\n')) samples.line(line);
  samples.end();
  const s = samples.summary(100, 1000, 3);

  it('names the threads by their stacks and leaves out the idle ones', () => {
    expect(s.samples).toBe(60);
    expect(s.threads.map((t) => [t.tid, t.role, t.samples])).toEqual([
      [101, 'writer thread', 40],
      [100, 'event loop', 10],
      [102, 'checkpoint thread', 9],
    ]);
    expect(s.threads[0]!.cpuMs).toBe(40);
    expect(s.threads[2]!.percentOfProcess).toBe(15);
  });

  it('counts a sample for the first category its stack shows', () => {
    const writer = Object.fromEntries(s.threads[0]!.categories.map((c) => [c.name, c.percent]));
    // the kernel's pwrite under pagerWalFrames is the commit's, not "kernel: other"; code that
    // runs inside a message's handler is not the message's cost
    expect(writer).toEqual({
      'SQLite: writing WAL frames (commit)': 20,
      "SQLite: page-cache scan at a commit's end": 20,
      'SQLite: statements (B-trees, VDBE)': 30,
      'better-sqlite3 binding (parameters, result objects)': 10,
      'JavaScript (JIT code, V8 builtins)': 10,
      'thread messages (postMessage, structured clone)': 10,
    });
    const loop = Object.fromEntries(s.threads[1]!.categories.map((c) => [c.name, c.percent]));
    expect(loop).toEqual({
      'sockets (kernel)': 50,
      'JavaScript (JIT code, V8 builtins)': 30,
      'garbage collection': 20,
    });
  });

  it('ranks innermost frames without their offsets, JIT frames named as such', () => {
    expect(s.threads[0]!.top[0]).toEqual({
      name: 'sqlite3BtreeIndexMoveto (better_sqlite3.node)',
      percent: 30,
    });
    expect(s.threads[0]!.top[1]).toEqual({
      name: 'pcache1TruncateUnsafe (better_sqlite3.node)',
      percent: 20,
    });
    expect(s.threads[1]!.top.map((t) => t.name)).toContain('JS:*send file:///app/ws-peer.js:27:9 (JIT)');
  });

  it('renders a row per thread in both tables', () => {
    const md = nativeProfileMarkdown(s);
    expect(md).toContain('| writer thread (101) | 40 ms | 66.7% | SQLite: statements (B-trees, VDBE) 30.0%;');
    expect(md).toContain('| checkpoint thread (102) | walCheckpoint (better_sqlite3.node) 100.0% |');
  });
});

// A real recording: needs Linux perf and the right to use it (root or a permissive perf_event_paranoid).
const noPerf = perfUnavailable();

describe.skipIf(noPerf !== undefined)('--perf on a real Parley run', () => {
  it("records the event loop and the writer thread's SQLite frames over the measured windows", async () => {
    requireBuiltServer();
    const levels = await runLevels(
      'saturation',
      [{ pairs: 20, window: 4 }],
      { durationS: 2, warmupS: 0.3, rounds: 2, threads: 1 },
      { mode: 'quick', targets: ['parley'], progress: silentProgress(), nativeProfile: true },
    );
    const natives = levels[0]!.natives!;
    expect(natives).toHaveLength(1);
    const roles = natives[0]!.threads.map((t) => t.role);
    expect(roles).toContain('event loop');
    expect(roles).toContain('writer thread');
    const writer = natives[0]!.threads.find((t) => t.role === 'writer thread')!;
    const sqlite = writer.categories.filter((c) => c.name.startsWith('SQLite'));
    expect(sqlite.reduce((a, c) => a + c.percent, 0)).toBeGreaterThan(20);
    // its JavaScript frames are named (node --perf-basic-prof), and that map is gone with the server
    const loop = natives[0]!.threads.find((t) => t.role === 'event loop')!;
    expect(loop.categories.map((c) => c.name)).toContain('JavaScript (JIT code, V8 builtins)');
    expect(existsSync(`/tmp/perf-${loop.tid}.map`)).toBe(false);
    expect(readdirSync(process.cwd()).filter((f) => f.includes(`-${loop.tid}-v8.log`))).toEqual([]);
    expect(levels[0]!.runs[0]!.integrity).toMatchObject({ lost: 0, doubled: 0 });
  }, 60_000);

  it('closes a recording that a failed round left running, and deletes its file', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const hooks = perfWindows(child.pid!, new NativeSamples());
      await hooks.start();
      const file = path.join(tmpdir(), `parley-bench-perf-${child.pid}-0.data`);
      await waitFor(() => existsSync(file));
      hooks.close();
      expect(existsSync(file)).toBe(false);
      await hooks.end(); // nothing left to stop
    } finally {
      child.kill();
    }
  });
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(ok()).toBe(true);
}
