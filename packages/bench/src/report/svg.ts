import type { LatencyCurve } from '../metrics/histogram.js';
import type { LoadLevel } from '../scenarios/types.js';
import { TARGET_LABELS, type TargetName } from '../targets.js';
import type { BenchResults } from './results.js';

export interface Series {
  label: string;
  color: string;
  curve: LatencyCurve;
}

export interface Panel {
  title: string;
  subtitle: string;
  series: Series[];
}

const COLORS: Record<TargetName, string> = { parley: '#2563eb', ws: '#16a34a', socketio: '#dc2626' };
const W = 480;
const H = 300;
const M = { left: 56, right: 16, top: 40, bottom: 44 };
const MAX_X = 5.5; // the "max" column, right of 99.999%

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Percentile on the usual "nines" axis: 90% → 1, 99% → 2, 99.9% → 3; the maximum goes last. */
function nines(p: number): number {
  return p >= 100 ? MAX_X : Math.min(5, -Math.log10(1 - p / 100));
}

function yTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function panelSvg(panel: Panel, ox: number, oy: number): string {
  const values = panel.series.flatMap((s) => s.curve.map(([, v]) => v)).filter((v) => v > 0);
  if (values.length === 0) return '';
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (p: number) => ox + M.left + (nines(p) / MAX_X) * pw;
  const y = (v: number) =>
    oy + M.top + ph - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * ph;
  const out: string[] = [
    `<text x="${ox + M.left}" y="${oy + 16}" class="title">${esc(panel.title)}</text>`,
    `<text x="${ox + M.left}" y="${oy + 31}" class="subtitle">${esc(panel.subtitle)}</text>`,
    `<rect x="${ox + M.left}" y="${oy + M.top}" width="${pw}" height="${ph}" class="frame"/>`,
  ];
  for (const v of yTicks(lo, hi)) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${ox + M.left}" x2="${ox + M.left + pw}" y1="${yy}" y2="${yy}" class="grid"/>`);
    out.push(`<text x="${ox + M.left - 6}" y="${yy}" class="ytick">${v >= 1 ? v : v.toPrecision(1)}</text>`);
  }
  const xt: Array<[number, string]> = [
    [0, '0%'],
    [90, '90%'],
    [99, '99%'],
    [99.9, '99.9%'],
    [99.99, '99.99%'],
    [99.999, '99.999%'],
    [100, 'max'],
  ];
  for (const [p, label] of xt) {
    const xx = x(p).toFixed(1);
    out.push(`<line x1="${xx}" x2="${xx}" y1="${oy + M.top}" y2="${oy + M.top + ph}" class="grid"/>`);
    out.push(`<text x="${xx}" y="${oy + M.top + ph + 16}" class="xtick">${label}</text>`);
  }
  out.push(`<text x="${ox + M.left + pw / 2}" y="${oy + H - 6}" class="axis">percentile</text>`);
  out.push(
    `<text transform="translate(${ox + 14} ${oy + M.top + ph / 2}) rotate(-90)" class="axis">latency (ms, log scale)</text>`,
  );
  panel.series.forEach((s, i) => {
    const pts = s.curve.map(([p, v]) => `${x(p).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    // Legend bottom right: at high percentiles the curves are high, so that corner stays clear.
    const lx = ox + M.left + pw - 130;
    const ly = oy + M.top + ph - 12 - (panel.series.length - 1 - i) * 16;
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${lx + 26}" y="${ly}" class="legend">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

/** A hand-written SVG: panels of latency-by-percentile curves, two per row. */
export function latencyChart(panels: readonly Panel[], heading: string): string {
  const cols = 2;
  const rows = Math.ceil(panels.length / cols);
  const width = cols * W;
  const height = rows * H + 30;
  const body = panels.map((p, i) => panelSvg(p, (i % cols) * W, 30 + Math.floor(i / cols) * H)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" role="img">
<title>${esc(heading)}: latency by percentile, Parley and the baselines</title>
<style>
.title{font-size:13px;font-weight:600}.subtitle{font-size:11px;fill:#555}.frame{fill:#fff;stroke:#999}.grid{stroke:#e5e5e5}
.ytick{font-size:10px;text-anchor:end;dominant-baseline:middle}.xtick{font-size:10px;text-anchor:middle}
.axis{font-size:11px;text-anchor:middle;fill:#555}.legend{font-size:11px}.heading{font-size:14px;font-weight:700}
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="20" class="heading">${esc(heading)}</text>
${body}
</svg>
`;
}

function levelPanels(level: LoadLevel, what: string): Panel[] {
  const series = (key: 'ackCurve' | 'e2eCurve') =>
    level.runs.map((r) => ({ label: TARGET_LABELS[r.target], color: COLORS[r.target], curve: r[key] }));
  return [
    { title: `Ack latency, ${what}`, subtitle: level.label, series: series('ackCurve') },
    { title: `End-to-end latency, ${what}`, subtitle: level.label, series: series('e2eCurve') },
  ];
}

/** The chart of a run: fixed-rate latency first, then saturation, for Parley and the baselines. */
export function resultsChart(r: BenchResults): string | undefined {
  const panels: Panel[] = [];
  const s = r.scenarios;
  if (s.latency?.kind === 'latency')
    for (const l of s.latency.levels) panels.push(...levelPanels(l, 'fixed rate'));
  if (s.saturation?.kind === 'saturation') {
    for (const l of s.saturation.levels) panels.push(...levelPanels(l, 'saturation'));
  }
  if (panels.length === 0) return undefined;
  return latencyChart(
    panels,
    `Parley benchmark, ${r.startedAt.slice(0, 10)}, ${r.machine.nproc} CPUs, Node ${r.machine.node}`,
  );
}
