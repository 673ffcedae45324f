import type { FanoutRun } from '../load/fanout-result.js';
import type { FanoutResult } from '../scenarios/types.js';
import { TARGET_LABELS } from '../targets.js';
import { errorsOf, int, ms, ratio, serverCpu, usPerMsg as us } from './format.js';

function row(label: string, r: FanoutRun, ws: FanoutRun | undefined): string[] {
  const i = r.integrity;
  const flag = r.generatorBound ? ' **generator-bound**' : '';
  return [
    label,
    TARGET_LABELS[r.target],
    int(r.ackedPerSec),
    int(r.deliveredPerSec),
    `${ms(r.allMembers.p50)} / ${ms(r.allMembers.p99)} / ${ms(r.allMembers.max)}`,
    `${ms(r.delivery.p50)} / ${ms(r.delivery.p99)}`,
    `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
    ms(r.sendLag.p99),
    us(r.serverCpuUsPerDelivery),
    ratio(r.serverCpuUsPerDelivery, ws?.serverCpuUsPerDelivery),
    `${serverCpu(r.server)} / ${r.generatorCpuPercent.toFixed(0)}%${flag}`,
    us(r.generatorCpuUsPerDelivery),
    `${r.server.rssPeakMiB.toFixed(0)} MiB`,
    `${i.lost} / ${i.doubled} / ${i.echoed}`,
    errorsOf(r.errors),
  ];
}

/** The `group` or `room` section: one row per rate and server. */
export function fanoutSection(f: FanoutResult): string {
  const what =
    f.kind === 'group'
      ? `### Group fan-out (${int(f.connections)} members, ${f.senders} of them sending; each message to the ${int(f.connections - 1)} others)`
      : `### Chat room fan-out (${int(f.connections)} connections in one room, ${f.senders} of them sending; each message to the ${int(f.connections - 1)} others)`;
  if (f.skipped !== undefined) return `${what}\n\nskipped: ${f.skipped}`;
  const head = [
    'load',
    'server',
    'msg/s',
    'deliveries/s',
    'all members have it p50 / p99 / max (ms)',
    'per delivery p50 / p99 (ms)',
    'ack p50 / p99 (ms)',
    'send lag p99 (ms)',
    'server CPU per delivery',
    '÷ ws relay',
    'CPU server / generator',
    'generator CPU per delivery',
    'server RSS peak',
    'lost / doubled / echoed',
    'errors',
  ];
  const align = ['---', '---', ...head.slice(2, -1).map(() => '--:'), '--'];
  const rows = f.levels.flatMap((l) =>
    l.runs.map((r) =>
      row(
        l.label,
        r,
        l.runs.find((x) => x.target === 'ws'),
      ),
    ),
  );
  return [
    what,
    '',
    `| ${head.join(' | ')} |`,
    `|${align.join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
