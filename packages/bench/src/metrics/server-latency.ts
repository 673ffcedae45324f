/**
 * Parley's own timing of the path to an acknowledgement, from its `/metrics` (Prometheus
 * histograms), over a measured window: how much of the generator's ack latency passed inside the
 * server, and there in the commit queue and in the store. A relay has no such figures.
 */

/** The histograms read, by the name the report gives them. */
export const SERVER_HISTOGRAMS = {
  /** From the session's receipt of action 3 to its acknowledgement being written. */
  ack: 'parley_ack_latency_seconds',
  /** Per write operation: how long it waited in the queue for its group commit. */
  wait: 'parley_commit_wait_seconds',
  /** Per write operation: from handing its group commit to the store until the store answered. */
  commit: 'parley_commit_seconds',
} as const;

export type ServerHistogramName = keyof typeof SERVER_HISTOGRAMS;

/** A Prometheus histogram: upper bounds in seconds (ascending, `Infinity` last), cumulative counts. */
export interface BucketHistogram {
  bounds: number[];
  cumulative: number[];
}

export type ServerHistograms = Partial<Record<ServerHistogramName, BucketHistogram>>;

/** The server's side of a run's latencies (milliseconds; shares in percent of observations). */
export interface ServerLatency {
  ackP99Ms: number;
  /** Acks that took longer than 10 ms inside the server. */
  ackOver10msPercent: number;
  waitP99Ms: number;
  commitP99Ms: number;
  /** Write operations committed in the window (messages, confirmations, id batches ...). */
  operations: number;
}

const BUCKET_LINE = /^(\w+)_bucket\{le="([^"]+)"\} (\S+)$/;

/** The histograms of SERVER_HISTOGRAMS found in a Prometheus text exposition. */
export function parseHistograms(text: string): ServerHistograms {
  const byMetric = new Map<string, ServerHistogramName>(
    Object.entries(SERVER_HISTOGRAMS).map(([k, v]) => [v, k as ServerHistogramName]),
  );
  const out: ServerHistograms = {};
  for (const line of text.split('\n')) {
    const m = BUCKET_LINE.exec(line);
    const name = m && byMetric.get(m[1]!);
    if (!m || !name) continue;
    const h = out[name] ?? { bounds: [], cumulative: [] };
    out[name] = h;
    h.bounds.push(m[2] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[2]));
    h.cumulative.push(Number(m[3]));
  }
  return out;
}

/**
 * Reads the histograms from a running Parley; undefined when it does not answer with them (a build
 * from before they existed, or `/metrics` behind a key), so that a run never fails for want of them.
 */
export async function scrapeServerLatency(metricsUrl: string): Promise<ServerHistograms | undefined> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    const found = parseHistograms(await res.text());
    return Object.keys(found).length > 0 ? found : undefined;
  } catch {
    return undefined;
  }
}

/** `a` + `sign` × `b`, histogram by histogram (the same buckets: one server's scrapes). */
function combine(a: ServerHistograms, b: ServerHistograms, sign: 1 | -1): ServerHistograms {
  const out: ServerHistograms = {};
  for (const name of Object.keys(SERVER_HISTOGRAMS) as ServerHistogramName[]) {
    const x = a[name];
    const y = b[name];
    if (!x || !y || x.bounds.length !== y.bounds.length) continue;
    out[name] = { bounds: x.bounds, cumulative: x.cumulative.map((n, i) => n + sign * y.cumulative[i]!) };
  }
  return out;
}

/** What was observed between two scrapes of the same server. */
export const between = (before: ServerHistograms, after: ServerHistograms) => combine(after, before, -1);

/** Several windows (rounds) together. */
export const addUp = (a: ServerHistograms, b: ServerHistograms) => combine(a, b, 1);

const total = (h: BucketHistogram) => h.cumulative[h.cumulative.length - 1] ?? 0;

/**
 * The quantile `q` (0..1) in milliseconds, interpolated linearly inside its bucket as Prometheus's
 * `histogram_quantile` does; in the last bucket (no upper bound) it is that bucket's lower bound.
 */
export function bucketQuantile(h: BucketHistogram, q: number): number {
  const n = total(h);
  if (n === 0) return 0;
  const rank = q * n;
  let i = h.cumulative.findIndex((c) => c >= rank);
  if (i < 0) i = h.cumulative.length - 1;
  const upper = h.bounds[i]!;
  const lower = i === 0 ? 0 : h.bounds[i - 1]!;
  if (!Number.isFinite(upper)) return lower * 1000;
  const below = i === 0 ? 0 : h.cumulative[i - 1]!;
  const inBucket = h.cumulative[i]! - below;
  const fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
  return (lower + (upper - lower) * fraction) * 1000;
}

/** The share of observations above `seconds`, which must be one of the bucket bounds (percent). */
export function shareAbove(h: BucketHistogram, seconds: number): number {
  const i = h.bounds.indexOf(seconds);
  const n = total(h);
  if (i < 0) throw new Error(`${seconds} s is not a bucket bound`);
  return n === 0 ? 0 : (100 * (n - h.cumulative[i]!)) / n;
}

/** The report's figures, when the ack and commit histograms were all read. */
export function serverLatencyOf(h: ServerHistograms | undefined): ServerLatency | undefined {
  if (!h?.ack || !h.wait || !h.commit) return undefined;
  return {
    ackP99Ms: bucketQuantile(h.ack, 0.99),
    ackOver10msPercent: shareAbove(h.ack, 0.01),
    waitP99Ms: bucketQuantile(h.wait, 0.99),
    commitP99Ms: bucketQuantile(h.commit, 0.99),
    operations: total(h.commit),
  };
}
