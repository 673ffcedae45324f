/**
 * Where each of Parley's threads spends its CPU, from Linux `perf` samples of every frame on the
 * stack: SQLite's own functions, the kernel's and V8's, which `--cpu-prof` lumps together as the
 * native code of a JavaScript call. `perf script -F tid,ip,sym,dso` prints one block per sample:
 * a line with the thread id, then one line per frame, the innermost first.
 */

/** What a sample's CPU was spent on, decided by the frames on its stack (the first rule that matches). */
interface Rule {
  name: string;
  /** Matches a frame's symbol anywhere on the stack. */
  frame?: RegExp;
  /** Matches the innermost frame's symbol. */
  leaf?: RegExp;
  /** Matches the innermost frame's library (`[kernel.kallsyms]`, a `.node` addon, `node`). */
  leafDso?: RegExp;
}

/** A checkpoint's frames, and a statement's: rules below, and how a worker thread is told apart. */
const CHECKPOINT = /^(sqlite3WalCheckpoint|walCheckpoint)\b/;
const STATEMENT = /^sqlite3_step\b/;

export const NATIVE_RULES: readonly Rule[] = [
  { name: 'SQLite: writing WAL frames (commit)', frame: /^(pagerWalFrames|sqlite3WalFrames)\b/ },
  { name: "SQLite: page-cache scan at a commit's end", frame: /^pcache1Truncate/ },
  { name: 'SQLite: checkpoint', frame: CHECKPOINT },
  { name: 'SQLite: statements (B-trees, VDBE)', frame: STATEMENT },
  { name: 'better-sqlite3 binding (parameters, result objects)', frame: /^(Statement|Binder|Data)::/ },
  {
    name: 'garbage collection',
    frame: /^v8::internal::(Heap::|Scavenger|MarkCompact|ConcurrentMarking|Sweeper|GCTracer|MinorMarkSweep)/,
  },
  {
    name: 'thread messages (postMessage, structured clone)',
    frame:
      /^(node::worker::MessagePort::PostMessage|node::worker::Message::(Serialize|Deserialize)|v8::(internal::)?Value(Serializer|Deserializer)::)/,
  },
  {
    name: 'sockets (kernel)',
    frame: /^(tcp_|sock_|inet_|__sys_(sendmsg|recvfrom|sendto)|do_writev|vfs_writev)/,
  },
  {
    name: 'polling for events (epoll, in the kernel)',
    frame: /^((__GI_)?epoll_pwait|do_epoll_wait)$/,
    leafDso: /kernel/,
  },
  { name: 'kernel: other', leafDso: /kernel/ },
  { name: "V8's optimizing compiler", frame: /^v8::internal::compiler::/ },
  { name: 'JavaScript (JIT code, V8 builtins)', leaf: /^(JS:|Builtins_)/ },
];

const OTHER = 'other native code (node, the V8 runtime, libc)';

interface Frame {
  sym: string;
  dso: string;
}

interface ThreadCounts {
  samples: number;
  byRule: Map<string, number>;
  bySelf: Map<string, number>;
  /** Samples whose stack shows what the thread is (a worker, a checkpointer...). */
  marks: Map<string, number>;
}

export interface NativeShare {
  name: string;
  percent: number;
}

export interface NativeThread {
  tid: number;
  /** `event loop`, `writer thread`, `checkpoint thread`, `worker thread`, or a helper of V8 or libuv. */
  role: string;
  samples: number;
  /** CPU time the samples stand for (ms), at the recording's frequency. */
  cpuMs: number;
  /** This thread's share of all the process's samples. */
  percentOfProcess: number;
  categories: NativeShare[];
  /** Innermost frames with the most samples. */
  top: NativeShare[];
}

export interface NativeProfileSummary {
  /** Sampling frequency (Hz) of `perf record -F`. */
  hz: number;
  samples: number;
  threads: NativeThread[];
}

const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/;

/** Parses `perf script -F tid,ip,sym,dso` output, line by line, into counts per thread. */
export class NativeSamples {
  private readonly threads = new Map<number, ThreadCounts>();
  private tid: number | undefined;
  private frames: Frame[] = [];

  /** Feeds one line of `perf script` output. */
  line(text: string): void {
    if (text.trim() === '') {
      this.flush();
      return;
    }
    const frame = FRAME.exec(text);
    if (frame) {
      if (this.tid !== undefined) this.frames.push({ sym: cleanSymbol(frame[1]!), dso: frame[2]! });
      return;
    }
    const tid = /^\s*(\d+)\s*$/.exec(text);
    if (tid) {
      this.flush();
      this.tid = Number(tid[1]);
    }
  }

  /** Ends the last sample; call once the output is read. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.tid === undefined) return;
    const t = this.counts(this.tid);
    const frames = this.frames;
    t.samples++;
    bump(t.byRule, ruleOf(frames));
    const leaf = frames[0];
    bump(t.bySelf, leaf ? `${leaf.sym} (${shortDso(leaf.dso)})` : '[unknown]');
    for (const [mark, re] of MARKS) if (frames.some((f) => re.test(f.sym))) bump(t.marks, mark);
    this.tid = undefined;
    this.frames = [];
  }

  private counts(tid: number): ThreadCounts {
    let t = this.threads.get(tid);
    if (!t) {
      t = { samples: 0, byRule: new Map(), bySelf: new Map(), marks: new Map() };
      this.threads.set(tid, t);
    }
    return t;
  }

  /**
   * Per thread of the process `pid` (its main thread is the event loop), with at least `minPercent`
   * of the samples, busiest first; `topN` innermost frames each.
   */
  summary(pid: number, hz: number, minPercent = 1, topN = 8): NativeProfileSummary {
    const total = [...this.threads.values()].reduce((a, t) => a + t.samples, 0);
    const threads: NativeThread[] = [];
    for (const [tid, t] of this.threads) {
      const percentOfProcess = total === 0 ? 0 : (100 * t.samples) / total;
      if (percentOfProcess < minPercent) continue;
      threads.push({
        tid,
        role: tid === pid ? 'event loop' : roleOf(t),
        samples: t.samples,
        cpuMs: (1000 * t.samples) / hz,
        percentOfProcess,
        categories: shares(t.byRule, t.samples),
        top: shares(t.bySelf, t.samples).slice(0, topN),
      });
    }
    threads.sort((a, b) => b.samples - a.samples);
    return { hz, samples: total, threads };
  }
}

const MARKS: readonly (readonly [string, RegExp])[] = [
  ['worker', /^node::worker::Worker::Run/],
  ['checkpoint', CHECKPOINT],
  ['statement', STATEMENT],
];

function roleOf(t: ThreadCounts): string {
  const share = (mark: string) => (t.marks.get(mark) ?? 0) / Math.max(1, t.samples);
  if (share('worker') > 0.5) {
    if (share('checkpoint') > 0.3) return 'checkpoint thread';
    if (share('statement') > 0.2) return 'writer thread';
    return 'worker thread';
  }
  return 'helper thread (V8, libuv)';
}

function ruleOf(frames: readonly Frame[]): string {
  const leaf = frames[0];
  for (const rule of NATIVE_RULES) {
    if (rule.frame && !frames.some((f) => rule.frame!.test(f.sym))) continue;
    if (rule.leaf && !(leaf && rule.leaf.test(leaf.sym))) continue;
    if (rule.leafDso && !(leaf && rule.leafDso.test(leaf.dso))) continue;
    return rule.name;
  }
  return OTHER;
}

/** `sqlite3VdbeExec+0x1a2` → `sqlite3VdbeExec`; a JIT frame keeps its file and line. */
function cleanSymbol(sym: string): string {
  return sym.replace(/\+0x[0-9a-f]+$/, '');
}

function shortDso(dso: string): string {
  if (dso.startsWith('/tmp/perf-')) return 'JIT';
  const base = dso.slice(dso.lastIndexOf('/') + 1);
  return base === '' ? dso : base;
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function shares(m: Map<string, number>, total: number): NativeShare[] {
  return [...m]
    .map(([name, n]) => ({ name, percent: total === 0 ? 0 : (100 * n) / total }))
    .sort((a, b) => b.percent - a.percent);
}

/** Two tables: each thread's CPU by what its stacks show, then each thread's busiest innermost frames. */
export function nativeProfileMarkdown(s: NativeProfileSummary, categoriesShown = 6): string {
  const pct = (x: number) => `${x.toFixed(1)}%`;
  const list = (xs: readonly NativeShare[]) => xs.map((x) => `${x.name} ${pct(x.percent)}`).join('; ');
  const who = (t: NativeThread) => `${t.role} (${t.tid})`;
  const lines = [
    `${s.samples.toLocaleString('en-US')} samples at ${s.hz} Hz (\`perf record -e cpu-clock\`), the measured windows only.`,
    '',
    '| thread | CPU | of the process | spent in (by the frames on the stack) |',
    '|---|--:|--:|---|',
    ...s.threads.map(
      (t) =>
        `| ${who(t)} | ${Math.round(t.cpuMs).toLocaleString('en-US')} ms | ${pct(t.percentOfProcess)} | ${list(t.categories.slice(0, categoriesShown))} |`,
    ),
    '',
    '| thread | innermost frames with the most samples |',
    '|---|---|',
    ...s.threads.map((t) => `| ${who(t)} | ${list(t.top).replaceAll('|', '\\|')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
