import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WsClient } from '../load/drivers/parley.js';
import type { FdLimit } from '../process/limits.js';
import type { Mode, ScenarioResult } from '../scenarios/types.js';
import type { MachineInfo, SourceInfo } from './machine.js';

/** Everything one CLI run measured: what `results/*.json` holds. */
export interface BenchResults {
  version: 1;
  mode: Mode;
  startedAt: string;
  finishedAt: string;
  command: string;
  durationOverrideS: number | null;
  /**
   * Threads of the load generator at fixed rates (all in one process, sharing the machine with the
   * servers): `--threads`, or null for one per 6,000 msg/s offered (each run records its own).
   */
  generatorThreads: number | null;
  /** How recipients confirmed deliveries (`--confirm`; calibrate always confirms each message). */
  confirm?: 'each' | 'through';
  /** The generator's WebSocket client (`BENCH_WS_CLIENT`; older results: the ws library's). */
  wsClient?: WsClient;
  machine: MachineInfo;
  source: SourceInfo;
  /** Set when packages/server/dist changed during the run (another build): scenarios after it measured that. */
  serverRebuiltAt?: string;
  fdLimit: FdLimit;
  /** How Parley was started (main.js, or the bench launcher when main.js lacks a needed setting). */
  parleyEntry: string;
  /** By scenario name (`saturation`, `calibrate`, `host`, `latency`, `durability`, `idle-memory`, `reconnect-storm`, `history`, `group`, `room`, `cluster`, `backends`). */
  scenarios: Record<string, ScenarioResult>;
  /** Scenarios that threw, with the error. */
  failures: Record<string, string>;
  /** Scenarios that did not run because something they need is missing, with the reason. */
  skipped?: Record<string, string>;
  /** Lost and doubled messages summed over every scenario: must be 0. */
  integrity: { lost: number; doubled: number };
}

/** Sums lost and doubled messages over every load run, the storm and the history check. */
export function integrityOf(scenarios: Record<string, ScenarioResult>): { lost: number; doubled: number } {
  let lost = 0;
  let doubled = 0;
  for (const s of Object.values(scenarios)) {
    const runs =
      s.kind === 'saturation' || s.kind === 'latency'
        ? s.levels.flatMap((l) => l.runs)
        : s.kind === 'durability'
          ? [s.normal, s.full]
          : s.kind === 'writer'
            ? s.levels.flatMap((l) => [l.thread, l.inline])
            : s.kind === 'confirm'
              ? s.levels.flatMap((l) => [l.each, l.through])
              : s.kind === 'aged'
                ? [
                    ...s.levels.flatMap((l) => [l.fresh, l.aged]),
                    ...(s.rate ? [s.rate.fresh, s.rate.aged] : []),
                  ]
                : s.kind === 'against'
                  ? s.levels.flatMap((l) => [l.current, l.other])
                  : s.kind === 'wal'
                    ? s.levels.map((l) => l.run)
                    : s.kind === 'calibrate'
                      ? [s.bench]
                      : s.kind === 'cluster'
                        ? [s.one, s.two].filter((x) => x !== undefined)
                        : s.kind === 'backends'
                          ? [s.sqlite, s.postgres].filter((x) => x !== undefined)
                          : [];
    for (const r of runs) {
      lost += r.integrity.lost;
      doubled += r.integrity.doubled;
    }
    if (s.kind === 'group' || s.kind === 'room') {
      // a copy sent back to the sending connection is a message the user sees twice
      for (const r of s.levels.flatMap((l) => l.runs)) {
        lost += r.integrity.lost;
        doubled += r.integrity.doubled + r.integrity.echoed;
      }
    }
    if (s.kind === 'storm') {
      for (const r of s.rows) {
        lost += r.lost;
        doubled += r.doubled;
      }
    }
  }
  return { lost, doubled };
}

/** The scenarios that were skipped (cluster, backends without PostgreSQL or Redis; against without --against), with why. */
export function skippedOf(scenarios: Record<string, ScenarioResult>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, s] of Object.entries(scenarios)) {
    if (
      (s.kind === 'cluster' ||
        s.kind === 'backends' ||
        s.kind === 'room' ||
        s.kind === 'group' ||
        s.kind === 'against') &&
      s.skipped
    )
      out[name] = s.skipped;
  }
  return out;
}

export interface WrittenFiles {
  json: string;
  markdown: string;
  svg: string | undefined;
}

/**
 * Writes `<stamp>-<mode>.json`, `.md` and `.svg` under `dir`, and copies them to `latest.*`.
 */
export function writeResults(
  dir: string,
  results: BenchResults,
  markdown: string,
  svg: string | undefined,
): WrittenFiles {
  mkdirSync(dir, { recursive: true });
  const stamp = `${results.startedAt.replace(/[:.]/g, '-').slice(0, 19)}-${results.mode}`;
  const files: WrittenFiles = {
    json: path.join(dir, `${stamp}.json`),
    markdown: path.join(dir, `${stamp}.md`),
    svg: svg === undefined ? undefined : path.join(dir, `${stamp}-latency.svg`),
  };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(files.markdown, markdown);
  if (svg !== undefined && files.svg) writeFileSync(files.svg, svg);
  copyFileSync(files.json, path.join(dir, 'latest.json'));
  copyFileSync(files.markdown, path.join(dir, 'latest.md'));
  if (files.svg) copyFileSync(files.svg, path.join(dir, 'latest-latency.svg'));
  return files;
}
