#!/usr/bin/env node
import os from 'node:os';
import path from 'node:path';
import { type ConfirmMode, DEFAULT_CONFIRM } from './load/context.js';
import { type WsClient, wsClientOf } from './load/drivers/parley.js';
import { repoDir, resultsDir, serverMain } from './paths.js';
import { stopAllChildren } from './process/children.js';
import { runCleanups } from './process/cleanup.js';
import { raiseFdLimit } from './process/limits.js';
import { perfUnavailable } from './process/perf-record.js';
import { REALTIME_PRIORITY } from './process/realtime.js';
import { machineInfo, sourceInfo } from './report/machine.js';
import { renderMarkdown } from './report/markdown.js';
import { Progress } from './report/progress.js';
import { type BenchResults, integrityOf, skippedOf, writeResults } from './report/results.js';
import { resultsChart } from './report/svg.js';
import { findScenario, SCENARIOS } from './scenarios/index.js';
import type { Mode, Scenario, ScenarioResult } from './scenarios/types.js';
import { ALL_TARGETS, parleyEntry } from './targets.js';

interface Args {
  mode: Mode;
  scenarios: Scenario[];
  durationS?: number;
  threads?: number;
  confirm?: ConfirmMode;
  against?: string;
  cpuProfile: boolean;
  nativeProfile: boolean;
  realtime: boolean;
  outDir: string;
}

const HELP = `Usage: node packages/bench/dist/cli.js [options]

Runs the Parley benchmark: Parley, a bare ws relay and a Socket.IO relay, same machine, same load.
cluster and backends need PostgreSQL at postgres://postgres@127.0.0.1:5432 and Redis at
redis://127.0.0.1:6379 (BENCH_PG_URL, BENCH_REDIS_URL override); without them they are skipped.
The generator's connections use its own minimal WebSocket client; BENCH_WS_CLIENT=ws uses the ws
library's client instead (as before; it costs the generator more CPU and longer GC pauses).

  --quick             every scenario at small scale (about a minute; a smoke check)
  --scenario <names>  only these scenarios, comma-separated: ${SCENARIOS.map((s) => s.name).join(', ')}
  --duration <s>      measured seconds per server and load level (saturation, latency, durability)
  --threads <n>       load generator threads for the fixed-rate runs (default: one per 6,000 msg/s
                      offered, at most one per CPU) and the saturation runs (default: one)
  --confirm <mode>    how recipients confirm deliveries: through (default; one action 22 every
                      200 ms at most, as the SDK does) or each (one action 4 per message)
  --against <dir>     another checkout of Parley, built (npm ci && npm run build there): the
                      against scenario runs its server beside this one's (skipped without it),
                      and history has it read the same stores too
  --cpu-prof          run Parley under node --cpu-prof and report its top self-time functions
  --perf              record Parley's threads with Linux perf (cpu-clock, whole stacks) during the
                      saturation and latency runs' measured windows, and report each thread's CPU
                      by what it was spent in, SQLite's and the kernel's frames included (needs perf)
  --realtime          the fixed-rate runs of the latency and aged scenarios put the generator and
                      the servers under real-time scheduling (chrt -r ${REALTIME_PRIORITY}; needs
                      CAP_SYS_NICE): what is left of a tail is then the servers' own, not the
                      kernel's time-sharing
  --out <dir>         where results go (default packages/bench/results)
  --help              this text

Writes <out>/<time>-<mode>.{json,md} and -latency.svg (and latest.*); prints the Markdown table.
Exits 1 if a scenario failed or any message was lost or doubled.
`;

function parseArgs(argv: readonly string[]): Args | undefined {
  const args: Args = {
    mode: 'full',
    scenarios: [...SCENARIOS],
    cpuProfile: false,
    nativeProfile: false,
    realtime: false,
    outDir: resultsDir,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.includes('=') ? argv[i]!.split(/=(.*)/s) : [argv[i]!, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return undefined;
      case '--quick':
        args.mode = 'quick';
        break;
      case '--scenario':
        args.scenarios = value()
          .split(',')
          .map((n) => {
            const s = findScenario(n.trim());
            if (!s)
              throw new Error(`unknown scenario ${n}; one of ${SCENARIOS.map((x) => x.name).join(', ')}`);
            return s;
          });
        break;
      case '--duration': {
        const d = Number(value());
        if (!(d > 0)) throw new Error('--duration must be a positive number of seconds');
        args.durationS = d;
        break;
      }
      case '--threads': {
        const t = Number(value());
        if (!Number.isInteger(t) || t < 1) throw new Error('--threads must be a positive integer');
        args.threads = t;
        break;
      }
      case '--confirm': {
        const mode = value();
        if (mode !== 'each' && mode !== 'through') throw new Error('--confirm must be each or through');
        args.confirm = mode;
        break;
      }
      case '--against':
        args.against = path.resolve(value());
        break;
      case '--cpu-prof':
        args.cpuProfile = true;
        break;
      case '--perf':
        args.nativeProfile = true;
        break;
      case '--realtime':
        args.realtime = true;
        break;
      case '--out':
        args.outDir = path.resolve(value());
        break;
      default:
        throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args | undefined;
  let wsClient: WsClient;
  try {
    args = parseArgs(process.argv.slice(2));
    wsClient = wsClientOf(process.env);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    return 2;
  }
  if (!args) {
    process.stdout.write(HELP);
    return 0;
  }
  const noPerf = args.nativeProfile ? perfUnavailable() : undefined;
  if (noPerf) {
    process.stderr.write(`bench: --perf: ${noPerf}\n`);
    return 2;
  }
  const progress = new Progress();
  const stop = (signal: string) => {
    progress.clear();
    process.stderr.write(`bench: ${signal}, stopping the servers\n`);
    void stopAllChildren(2000)
      .then(runCleanups)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  const fdLimit = raiseFdLimit();
  const entry = parleyEntry();
  if (entry.script !== serverMain) progress.log(`note: Parley is started by the ${entry.note}`);
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const source = sourceInfo(repoDir);
  const scenarios: Record<string, ScenarioResult> = {};
  const failures: Record<string, string> = {};
  const t0 = performance.now();
  const profileDir = path.join(args.outDir, 'profiles', startedAt.replace(/[:.]/g, '-').slice(0, 19));
  for (const s of args.scenarios) {
    progress.log(`== ${s.name}: ${s.describe}`);
    try {
      scenarios[s.name] = await s.run({
        mode: args.mode,
        targets: ALL_TARGETS,
        ...(args.threads !== undefined && { threads: args.threads }),
        ...(args.confirm !== undefined && { confirm: args.confirm }),
        ...(args.against !== undefined && { against: args.against }),
        progress,
        ...(args.durationS !== undefined && { durationS: args.durationS }),
        ...(args.cpuProfile && { cpuProfile: true, profileDir }),
        ...(args.nativeProfile && { nativeProfile: true }),
        ...(args.realtime && { realtime: true }),
      });
    } catch (err) {
      failures[s.name] = err instanceof Error ? err.message : String(err);
      progress.log(`   ${s.name} failed: ${failures[s.name]}`);
      await stopAllChildren(2000);
      await runCleanups();
    }
  }
  progress.clear();
  machine.loadAvgEnd = os.loadavg()[0]!;
  const results: BenchResults = {
    version: 1,
    mode: args.mode,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `node packages/bench/dist/cli.js ${process.argv.slice(2).join(' ')}`.trim(),
    durationOverrideS: args.durationS ?? null,
    generatorThreads: args.threads ?? null,
    confirm: args.confirm ?? DEFAULT_CONFIRM,
    wsClient,
    machine,
    source,
    fdLimit,
    parleyEntry: entry.note,
    scenarios,
    failures,
    skipped: skippedOf(scenarios),
    integrity: integrityOf(scenarios),
  };
  const builtAtEnd = sourceInfo(repoDir).serverBuiltAt;
  if (builtAtEnd !== source.serverBuiltAt) results.serverRebuiltAt = builtAtEnd;
  const markdown = renderMarkdown(results);
  const files = writeResults(args.outDir, results, markdown, resultsChart(results));
  process.stdout.write(`\n${markdown}\n`);
  process.stderr.write(
    `Done in ${((performance.now() - t0) / 1000).toFixed(0)} s. Results: ${files.json}` +
      `${files.svg ? `, chart: ${files.svg}` : ''}\n`,
  );
  const bad = Object.keys(failures).length > 0 || results.integrity.lost > 0 || results.integrity.doubled > 0;
  return bad ? 1 : 0;
}

main().then(
  async (code) => {
    await stopAllChildren(2000);
    await runCleanups();
    process.exit(code);
  },
  async (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await stopAllChildren(2000);
    await runCleanups();
    process.exit(1);
  },
);
