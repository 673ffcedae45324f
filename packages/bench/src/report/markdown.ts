import type { LoadRun } from '../load/generator.js';
import { REALTIME_PRIORITY } from '../process/realtime.js';
import type {
  BackendsResult,
  CalibrateResult,
  ClusterResult,
  DurabilityResult,
  HistoryResult,
  IdleResult,
  StormResult,
} from '../scenarios/types.js';
import { TARGET_LABELS } from '../targets.js';
import { splitSection } from './cpu-split-markdown.js';
import { fanoutSection } from './fanout-markdown.js';
import { cpuPair, errorsOf, int, mib, ms, pcts, ratio, serverCpu, table, usPerMsg } from './format.js';
import { goalsMarkdown } from './goals.js';
import { hostSection } from './host-markdown.js';
import { latencyTable, saturationTable } from './load-markdown.js';
import { nativeProfileMarkdown } from './native-profile.js';
import { profileMarkdown } from './profile.js';
import type { BenchResults } from './results.js';
import { storeSection } from './store-markdown.js';
import { againstSection, agedSection, confirmSection, writerSection } from './variant-markdown.js';
import { walSection } from './wal-markdown.js';

function durabilityTable(d: DurabilityResult): string {
  const row = (name: string, r: LoadRun) => [
    name,
    int(r.ackedPerSec),
    ratio(r.ackedPerSec, d.normal.ackedPerSec),
    pcts(r.ack, 'p50', 'p99', 'max'),
    pcts(r.e2e, 'p50', 'p99'),
    usPerMsg(r.serverCpuUsPerMsg),
    cpuPair(r),
    `${r.integrity.lost} / ${r.integrity.doubled}`,
  ];
  return table(
    [
      'SQLITE_SYNC',
      'acked msg/s',
      '÷ normal',
      'ack p50 / p99 / max (ms)',
      'end-to-end p50 / p99 (ms)',
      'server CPU per msg',
      'CPU server / generator',
      'lost / doubled',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    [
      row('normal (survives a killed server)', d.normal),
      row('full (fsync per commit; survives power loss)', d.full),
    ],
  );
}

function calibrateTable(c: CalibrateResult): string {
  const m = c.minimal;
  const b = c.bench;
  const rounds = (xs: readonly number[]) => xs.map(int).join(', ');
  const loaderUs = m.rounds.map((x) => (x.cpuPercent * x.seconds * 1e4) / Math.max(1, x.acked));
  const sorted = [...loaderUs].sort((x, y) => x - y);
  const loaderUsMedian = sorted.length ? sorted[sorted.length >> 1]! : 0;
  return table(
    [
      'load generator',
      'acked msg/s (median)',
      'rounds',
      '÷ minimal loader',
      'relay CPU',
      'relay CPU per msg',
      'generator CPU',
      'generator CPU per msg',
      'lost / doubled',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    [
      [
        'minimal loader (src/tools/minimal-loader.ts)',
        int(m.ackedPerSecMedian),
        rounds(m.rounds.map((x) => x.ackedPerSec)),
        '1.00',
        `${m.relayCpuPercentMedian.toFixed(0)}%`,
        usPerMsg(m.relayCpuUsPerMsgMedian),
        `${m.loaderCpuPercentMedian.toFixed(0)}%${m.loaderCpuPercentMedian > 90 ? ' **generator-bound**' : ''}`,
        usPerMsg(loaderUsMedian),
        'not checked',
      ],
      [
        'bench generator',
        int(c.benchAckedPerSecMedian),
        rounds(c.benchAckedPerSecRounds),
        c.ratio.toFixed(2),
        serverCpu(b.server),
        usPerMsg(b.serverCpuUsPerMsg),
        `${b.generatorCpuPercent.toFixed(0)}%${b.generatorBound ? ' **generator-bound**' : ''}`,
        usPerMsg(b.generatorCpuUsPerMsg),
        `${b.integrity.lost} / ${b.integrity.doubled}`,
      ],
    ],
  );
}

/** The load runs of a cluster or backends comparison, side by side, with the ratio to the first. */
function deploymentsTable(rows: Array<[string, LoadRun]>, ratioHead: string): string {
  const first = rows[0]![1];
  return table(
    [
      'deployment',
      'acked msg/s',
      ratioHead,
      'ack p50 / p99 (ms)',
      'end-to-end p99 (ms)',
      'server CPU (per node)',
      'server CPU per msg',
      'generator CPU',
      'lost / doubled',
      'errors',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--'],
    rows.map(([label, r]) => [
      label,
      int(r.ackedPerSec),
      ratio(r.ackedPerSec, first.ackedPerSec),
      pcts(r.ack, 'p50', 'p99'),
      ms(r.e2e.p99),
      `${r.server.cpuPercent.toFixed(0)}%${r.nodes ? ` (${r.nodes.map((n) => `${n.cpuPercent.toFixed(0)}%`).join(' + ')})` : ''}`,
      usPerMsg(r.serverCpuUsPerMsg),
      `${r.generatorCpuPercent.toFixed(0)}%${r.generatorBound ? ' **generator-bound**' : ''}`,
      `${r.integrity.lost} / ${r.integrity.doubled}`,
      errorsOf(r.errors),
    ]),
  );
}

function clusterSection(c: ClusterResult): string {
  const head = `### Cluster: 1 node vs 2 nodes (${c.pairs} pairs, window ${c.window}; on 2 nodes senders are on node 1, recipients on node 2)`;
  if (c.skipped !== undefined)
    return `${head}

skipped: ${c.skipped}`;
  const note = c.devNote
    ? `

**${c.devNote}**`
    : '';
  return `${head}${note}

${deploymentsTable(
  [
    [c.deployments[0]!, c.one!],
    [c.deployments[1]!, c.two!],
  ],
  '÷ 1 node',
)}`;
}

function backendsSection(b: BackendsResult): string {
  const head = `### Store: SQLite vs PostgreSQL (1 node, no Redis, ${b.pairs} pairs, window ${b.window})`;
  if (b.skipped !== undefined)
    return `${head}

skipped: ${b.skipped}`;
  return `${head}

${deploymentsTable(
  [
    ['SQLite', b.sqlite!],
    ['PostgreSQL', b.postgres!],
  ],
  '÷ SQLite',
)}`;
}

function idleTable(d: IdleResult): string {
  const ws = (n: number) => d.rows.find((r) => r.target === 'ws' && r.connections === n);
  return table(
    [
      'connections',
      'server',
      'connected',
      'connect time',
      'RSS before → after',
      'per connection',
      '÷ ws relay',
    ],
    ['--:', '---', '--:', '--:', '--:', '--:', '--:'],
    d.rows.map((r) => [
      int(r.connections),
      TARGET_LABELS[r.target],
      r.failed > 0 ? `${int(r.connected)} (${r.failed} failed)` : int(r.connected),
      `${r.connectS.toFixed(1)} s`,
      `${mib(r.rssBeforeMiB)} → ${mib(r.rssAfterMiB)}`,
      `${(r.bytesPerConnection / 1024).toFixed(1)} KiB`,
      ratio(r.bytesPerConnection, ws(r.connections)?.bytesPerConnection),
    ]),
  );
}

function stormTable(s: StormResult): string {
  return table(
    [
      'server',
      'clients',
      'stored backlog',
      'all back',
      'all delivered',
      'reconnect p50 / p99',
      'failed / retried',
      'lost / doubled',
      'server CPU',
      'server RSS peak',
      'errors',
    ],
    ['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--'],
    s.rows.map((r) => [
      TARGET_LABELS[r.target],
      int(r.connections),
      r.backlogPerPair > 0
        ? `${int(r.storedMessages)} (${r.backlogPerPair} per recipient)`
        : 'none (no storage)',
      `${r.allBackS.toFixed(2)} s`,
      `${r.allDeliveredS.toFixed(2)} s`,
      `${ms(r.reconnectP50Ms)} / ${ms(r.reconnectP99Ms)} ms`,
      `${r.connectFailures} / ${r.retries}`,
      `${r.lost} / ${r.doubled}`,
      `${r.serverCpuPercent.toFixed(0)}%`,
      mib(r.serverRssPeakMiB),
      errorsOf(r.errors),
    ]),
  );
}

export function historyTable(h: HistoryResult): string {
  return h.stores
    .map((st) => {
      const who =
        st.peersPerUser === 1
          ? `${int(st.users)} users, one conversation each`
          : `${int(st.users)} users, ${int(st.peersPerUser)} peers each`;
      const head = `**${st.store}, read by ${st.build}:** ${int(st.messages)} messages in ${int(st.conversations)} conversations (${who}; ${mib(st.dbMiB)} database, seeded in ${st.seedS.toFixed(1)} s), pages of ${h.pageSize}:`;
      return `${head}\n\n${table(
        ['query (action 12)', 'requests', 'p50', 'p90', 'p99', 'max', 'bad pages'],
        ['---', '--:', '--:', '--:', '--:', '--:', '--:'],
        st.kinds.map((k) => [
          k.kind,
          int(k.count),
          `${ms(k.p50)} ms`,
          `${ms(k.p90)} ms`,
          `${ms(k.p99)} ms`,
          `${ms(k.max)} ms`,
          String(k.badPages),
        ]),
      )}`;
    })
    .join('\n\n');
}

function dirty(r: BenchResults): string {
  const n = r.source.uncommitted.length;
  return n > 0 ? ` (with uncommitted changes to ${n} server/protocol files)` : '';
}

/** The whole report: one section per scenario that ran, then the targets, then profiles. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    `Run ${r.startedAt} (${r.mode}${r.durationOverrideS ? `, --duration ${r.durationOverrideS}` : ''}) ` +
      `of commit ${r.source.commit}${dirty(r)}, server built ${r.source.serverBuiltAt.slice(0, 16)}: ` +
      `${m.nproc} CPUs (${m.cpuModel}), ${int(m.memTotalMiB)} MiB, Node ${m.node}, ${m.os}; ` +
      `load generator: one process, 1 thread at saturation, ${r.generatorThreads ?? 'one per 6,000 msg/s offered'} at fixed rates, ` +
      `${confirmNote(r.confirm)}, ${wsClientNote(r.wsClient)}; ` +
      `load average ${m.loadAvgStart.toFixed(2)} at start, ${m.loadAvgEnd?.toFixed(2) ?? '?'} at end; ` +
      `open files ${int(r.fdLimit.soft)} (${r.fdLimit.note}); Parley started by ${r.parleyEntry}.`,
  ];
  if (r.serverRebuiltAt) {
    out.push(
      `**Warning:** packages/server/dist was rebuilt during the run (${r.serverRebuiltAt}); later scenarios ran that build.`,
    );
  }
  const s = r.scenarios;
  if (s.saturation?.kind === 'saturation')
    out.push(
      '### Saturation throughput',
      saturationTable(s.saturation.levels),
      ...splitSection(s.saturation.levels),
    );
  if (s.calibrate?.kind === 'calibrate') {
    out.push(
      `### Calibration: is the generator the bottleneck? (ws relay, ${s.calibrate.pairs} pairs, window ${s.calibrate.window})`,
      calibrateTable(s.calibrate),
    );
  }
  if (s.host?.kind === 'host') out.push(hostSection(s.host));
  if (s.latency?.kind === 'latency') {
    out.push(
      '### Latency at a fixed offered rate',
      latencyTable(s.latency.levels),
      ...splitSection(s.latency.levels),
    );
    const p = s.latency.probe;
    if (p)
      out.push(
        `Parley's saturation rate with ${int(p.pairs)} pairs × window ${p.window} (probed first, Parley alone): ` +
          `${int(p.ackedPerSec)} msg/s; "${p.halfSaturation}" offers half of it (the ack p99 target applies there).`,
      );
    if (s.latency.realtime)
      out.push(
        `These fixed-rate runs put the generator and the servers under real-time scheduling (\`--realtime\`: ` +
          `SCHED_RR, priority ${REALTIME_PRIORITY}); the probe ran under the default scheduler.`,
      );
    if (s.latency.firstWarmupS !== undefined)
      out.push(
        `Each server's first round warmed up for ${s.latency.firstWarmupS} s before it was measured, the ` +
          `others for ${s.latency.warmupS} s: a server just started has a transient of several seconds under its ` +
          'first load, which a running server has behind it.',
      );
  }
  if (s.durability?.kind === 'durability') {
    out.push(`### Cost of durability (Parley, ${s.durability.pairs} pairs, window ${s.durability.window})`);
    out.push(durabilityTable(s.durability));
  }
  if (s.writer?.kind === 'writer') out.push(writerSection(s.writer));
  if (s.confirm?.kind === 'confirm') out.push(confirmSection(s.confirm));
  if (s.against?.kind === 'against') out.push(againstSection(s.against));
  if (s.aged?.kind === 'aged') out.push(agedSection(s.aged));
  if (s.wal?.kind === 'wal') out.push(walSection(s.wal));
  if (s.store?.kind === 'store') out.push(storeSection(s.store));
  if (s['idle-memory']?.kind === 'idle')
    out.push('### Idle memory per connection', idleTable(s['idle-memory']));
  if (s['reconnect-storm']?.kind === 'storm')
    out.push('### Reconnect storm', stormTable(s['reconnect-storm']));
  if (s.history?.kind === 'history') out.push('### History page latency (Parley)', historyTable(s.history));
  for (const f of [s.group, s.room])
    if (f?.kind === 'group' || f?.kind === 'room') out.push(fanoutSection(f));
  if (s.cluster?.kind === 'cluster') out.push(clusterSection(s.cluster));
  if (s.backends?.kind === 'backends') out.push(backendsSection(s.backends));
  for (const [name, err] of Object.entries(r.failures)) out.push(`**${name} failed:** ${err}`);
  out.push(
    `### Against the targets${r.mode === 'quick' ? ' (quick scale: not the real figures)' : ''}`,
    goalsMarkdown(r),
  );
  const profiles = [s.saturation, s.latency].flatMap((x) =>
    x && (x.kind === 'saturation' || x.kind === 'latency')
      ? x.levels.flatMap((l) => (l.profiles ?? []).map((p) => ({ label: `${x.kind} ${l.label}`, p })))
      : [],
  );
  if (s.history?.kind === 'history') {
    for (const st of s.history.stores)
      for (const p of st.profiles ?? [])
        profiles.push({ label: `history, ${st.store}, ${st.build} (server lifetime)`, p });
  }
  for (const f of [s.group, s.room]) {
    if (f?.kind === 'group' || f?.kind === 'room')
      for (const p of f.profiles ?? []) profiles.push({ label: `${f.kind} (server lifetime)`, p });
  }
  for (const { label, p } of profiles) {
    out.push(`### Parley CPU profile: ${label}`, profileMarkdown(p).trim());
  }
  for (const x of [s.saturation, s.latency])
    if (x && (x.kind === 'saturation' || x.kind === 'latency'))
      for (const l of x.levels)
        for (const n of l.natives ?? [])
          out.push(`### Parley's threads (perf): ${x.kind} ${l.label}`, nativeProfileMarkdown(n).trim());
  return `${out.join('\n\n')}\n`;
}

/** The generator's WebSocket client, for the run's header line (older results: the ws library's). */
function wsClientNote(client: BenchResults['wsClient']): string {
  return (client ?? 'ws') === 'raw'
    ? "over the generator's own minimal WebSocket client"
    : "over the ws library's WebSocket client";
}

/** How the recipients confirmed, for the run's header line (older results do not say: `each`). */
function confirmNote(mode: BenchResults['confirm']): string {
  return (mode ?? 'each') === 'through'
    ? 'recipients confirm with one action 22 every 200 ms at most (as the SDK does)'
    : 'recipients confirm each message with action 4';
}
