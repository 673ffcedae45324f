import {
  clusterDevSqlite,
  type Deployment,
  deploymentMissing,
  describeDeployment,
  startDeployment,
} from '../cluster/deployment.js';
import type { LoadSpec } from '../load/generator.js';
import type { LoadRun } from '../load/run-result.js';
import { runInterleaved, type Variant } from './interleave.js';
import type { BackendsResult, ClusterResult, Scenario, ScenarioContext } from './types.js';

/** A deployment that did not start (the scenario is then skipped, not failed). */
class StartError extends Error {}

function variant(id: string, d: Deployment): Variant {
  return {
    id,
    target: 'parley',
    label: `Parley, ${describeDeployment(d)}`,
    start: async (nodeArgs) => {
      try {
        return await startDeployment(d, nodeArgs);
      } catch (err) {
        throw new StartError(`Parley (${describeDeployment(d)}) did not start: ${(err as Error).message}`);
      }
    },
  };
}

function loadSpec(ctx: ScenarioContext): { spec: LoadSpec; rounds: number } {
  const quick = ctx.mode === 'quick';
  return {
    spec: {
      pairs: quick ? 10 : 100,
      window: 8,
      warmupS: quick ? 0.5 : 1.5,
      durationS: ctx.durationS ?? (quick ? 1.5 : 20),
      threads: 1,
    },
    rounds: quick ? 1 : 4,
  };
}

/**
 * Runs the variants interleaved; undefined runs and a reason if a prerequisite is missing or a
 * deployment does not start.
 */
async function measure(
  name: string,
  variants: Array<[string, Deployment]>,
  ctx: ScenarioContext,
): Promise<{ runs?: LoadRun[]; skipped?: string; spec: LoadSpec }> {
  const { spec, rounds } = loadSpec(ctx);
  for (const [, d] of variants) {
    const missing = await deploymentMissing(d);
    if (missing) {
      ctx.progress.log(`  ${name} skipped: ${missing}`);
      return { skipped: missing, spec };
    }
  }
  try {
    const { runs } = await runInterleaved(
      variants.map(([id, d]) => variant(id, d)),
      spec,
      ctx,
      { rounds, stage: name },
    );
    for (const [i, r] of runs.entries()) {
      ctx.progress.log(
        `  ${name} · ${describeDeployment(variants[i]![1])}: ${Math.round(r.ackedPerSec)} acked/s, ` +
          `ack p99 ${r.ack.p99} ms, lost ${r.integrity.lost}, doubled ${r.integrity.doubled}`,
      );
    }
    return { runs, spec };
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    ctx.progress.log(`  ${name} skipped: ${err.message}`);
    return { skipped: err.message, spec };
  }
}

/**
 * Scale-out: the saturation load against 1 Parley node and against 2 nodes (PostgreSQL + Redis
 * both), each pair's sender on node 1 and its recipient on node 2, so that every message crosses
 * Redis.
 */
export const cluster: Scenario = {
  name: 'cluster',
  describe: '1 node vs 2 nodes on PostgreSQL + Redis (senders on node 1, recipients on node 2)',
  async run(ctx) {
    const store = clusterDevSqlite() ? 'sqlite' : 'postgres';
    const one: Deployment = { nodes: 1, store, redis: true };
    const two: Deployment = { nodes: 2, store, redis: true };
    const { runs, skipped, spec } = await measure(
      'cluster',
      [
        ['one', one],
        ['two', two],
      ],
      ctx,
    );
    const result: ClusterResult = {
      kind: 'cluster',
      pairs: spec.pairs,
      window: spec.window!,
      deployments: [describeDeployment(one), describeDeployment(two)],
    };
    if (store === 'sqlite') {
      result.devNote =
        'BENCH_CLUSTER_DEV=sqlite: development run on SQLite + Redis, the nodes do not share data; not a measurement';
    }
    if (skipped !== undefined) return { ...result, skipped };
    const [a, b] = runs!;
    return { ...result, one: a!, two: b!, ratio: b!.ackedPerSec / a!.ackedPerSec };
  },
};

/** The store alone: 1 node on SQLite against 1 node on PostgreSQL, no Redis, same load. */
export const backends: Scenario = {
  name: 'backends',
  describe: '1 node on SQLite vs 1 node on PostgreSQL (no Redis), same load',
  async run(ctx) {
    const sqlite: Deployment = { nodes: 1, store: 'sqlite', redis: false };
    const postgres: Deployment = { nodes: 1, store: 'postgres', redis: false };
    const { runs, skipped, spec } = await measure(
      'backends',
      [
        ['sqlite', sqlite],
        ['postgres', postgres],
      ],
      ctx,
    );
    const result: BackendsResult = { kind: 'backends', pairs: spec.pairs, window: spec.window! };
    if (skipped !== undefined) return { ...result, skipped };
    const [a, b] = runs!;
    return { ...result, sqlite: a!, postgres: b!, ratio: b!.ackedPerSec / a!.ackedPerSec };
  },
};
