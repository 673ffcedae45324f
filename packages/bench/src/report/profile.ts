import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that self-time needs. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  /** Where: file (shortened) and line, or a category like `(garbage collector)`. */
  where: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time: total minus `(idle)`. */
  busyMs: number;
  top: ProfileEntry[];
  /** Self time grouped by where the code lives: Parley, ws, better-sqlite3, node internals, GC... */
  byArea: ProfileEntry[];
}

function shorten(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(name: string, url: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native/builtin)';
  if (url.includes('node_modules/ws/')) return 'ws (WebSocket framing)';
  if (url.includes('better-sqlite3')) return 'better-sqlite3';
  if (url.includes('node_modules/pino') || url.includes('thread-stream')) return 'pino (logging)';
  if (url.includes('node_modules/')) return `other packages (${shorten(url).split('/')[0]})`;
  if (url.includes('packages/protocol/')) return 'Parley protocol (validation)';
  if (url.includes('packages/server/'))
    return `Parley server (${shorten(url).split('/').slice(3, 4).join('')})`;
  if (url.startsWith('node:')) return `node internals (${url.slice(5).split('/')[0]})`;
  return shorten(url);
}

/** Self time per function and per area, from a V8 CPU profile. */
export function summarizeProfile(file: string, topN = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
  }
  const fns = new Map<string, ProfileEntry>();
  const areas = new Map<string, ProfileEntry>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame: cf } = byId.get(id)!;
    totalUs += us;
    if (cf.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = cf.functionName || '(anonymous)';
    const where = cf.url ? `${shorten(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const e = fns.get(key) ?? { name, where, selfMs: 0, percent: 0 };
    e.selfMs += us / 1000;
    fns.set(key, e);
    const area = areaOf(name, cf.url);
    const a = areas.get(area) ?? { name: area, where: '', selfMs: 0, percent: 0 };
    a.selfMs += us / 1000;
    areas.set(area, a);
  }
  const busyMs = (totalUs - idleUs) / 1000;
  const finish = (list: Iterable<ProfileEntry>, n: number) =>
    [...list]
      .map((e) => ({
        ...e,
        selfMs: Math.round(e.selfMs),
        percent: busyMs > 0 ? (100 * e.selfMs) / busyMs : 0,
      }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, n);
  return {
    totalMs: totalUs / 1000,
    busyMs,
    top: finish(fns.values(), topN),
    byArea: finish(areas.values(), 20),
  };
}

export function profileMarkdown(s: ProfileSummary): string {
  const pct = (x: number) => `${x.toFixed(1)}%`;
  const lines = [
    `Busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.totalMs / 1000).toFixed(1)} s profiled.`,
    '',
    '| area | self time | share of busy |',
    '|---|---:|---:|',
    ...s.byArea.map((a) => `| ${a.name} | ${a.selfMs} ms | ${pct(a.percent)} |`),
    '',
    '| function | where | self time | share of busy |',
    '|---|---|---:|---:|',
    ...s.top.map((e) => `| \`${e.name}\` | ${e.where} | ${e.selfMs} ms | ${pct(e.percent)} |`),
  ];
  return `${lines.join('\n')}\n`;
}
