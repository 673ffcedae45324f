import { against } from './against.js';
import { aged } from './aged.js';
import { calibrate } from './calibrate.js';
import { backends, cluster } from './cluster.js';
import { confirm } from './confirm.js';
import { durability } from './durability.js';
import { group } from './group.js';
import { history } from './history.js';
import { host } from './host.js';
import { idle } from './idle.js';
import { latency } from './latency.js';
import { room } from './room.js';
import { saturation } from './saturation.js';
import { store } from './store.js';
import { storm } from './storm.js';
import type { Scenario } from './types.js';
import { wal } from './wal.js';
import { writer } from './writer.js';

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS: readonly Scenario[] = [
  saturation,
  calibrate,
  host,
  latency,
  durability,
  writer,
  confirm,
  against,
  aged,
  wal,
  store,
  idle,
  storm,
  history,
  group,
  room,
  cluster,
  backends,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name) ?? SCENARIOS.find((s) => s.name.includes(name));
}
