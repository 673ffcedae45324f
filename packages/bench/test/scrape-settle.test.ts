import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRound, SCRAPE_SETTLE_S } from '../src/load/generator.js';
import { baselineScript } from '../src/paths.js';
import { stopAllChildren } from '../src/process/children.js';
import { type RunningTarget, startTarget } from '../src/targets.js';

// A real round against the ws relay, given a stand-in `/metrics` that notes when it is read: the
// scrape that starts the server's own figures must come well before the measured window, so that
// the stall it causes in Parley does not open the window (src/load/generator.ts, SCRAPE_SETTLE_S).

const EXPOSITION = [
  '# TYPE parley_ack_latency_seconds histogram',
  'parley_ack_latency_seconds_bucket{le="0.01"} 0',
  'parley_ack_latency_seconds_bucket{le="+Inf"} 0',
  'parley_ack_latency_seconds_sum 0',
  'parley_ack_latency_seconds_count 0',
].join('\n');

let relay: RunningTarget;
let metrics: Server;
const scrapes: number[] = [];

beforeAll(async () => {
  if (!existsSync(baselineScript('ws-relay')))
    throw new Error('the ws relay is not built: run `npm run build` first (npm test does)');
  relay = await startTarget('ws');
  metrics = createServer((_req, res) => {
    scrapes.push(performance.now());
    res.end(EXPOSITION);
  });
  await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await relay?.stop();
  await new Promise((resolve) => metrics?.close(resolve));
  await stopAllChildren(1000);
});

describe("the scrape before a round's window", () => {
  it('is taken a settling time before the window starts, the other one when it closes', async () => {
    const { port } = metrics.address() as AddressInfo;
    const target: RunningTarget = { ...relay, metricsUrl: `http://127.0.0.1:${port}/metrics` };
    const warmupS = 0.8;
    const settleMs = Math.min(SCRAPE_SETTLE_S, warmupS / 2) * 1000;
    let windowStart = 0;
    let windowEnd = 0;
    const part = await runRound(
      target,
      { pairs: 2, rate: 200, warmupS, durationS: 0.3, threads: 1 },
      undefined,
      {
        start: async () => {
          windowStart = performance.now();
        },
        end: async () => {
          windowEnd = performance.now();
        },
      },
    );

    expect(part.counts.acked).toBeGreaterThan(0);
    expect(scrapes).toHaveLength(2);
    // timers may fire up to a millisecond early against performance.now()
    expect(windowStart - scrapes[0]!).toBeGreaterThanOrEqual(settleMs - 5);
    expect(scrapes[1]!).toBeGreaterThan(windowStart);
    expect(scrapes[1]!).toBeLessThanOrEqual(windowEnd);
    // the stand-in's figures made it into the round
    expect(part.serverHists?.ack).toBeDefined();
  });
});
