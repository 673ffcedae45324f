#!/usr/bin/env node
/**
 * The minimal loader: the smallest honest client of the Parley protocol, to check that the bench's
 * own generator is not what limits a measurement (the `calibrate` scenario runs both against the
 * ws relay, side by side).
 *
 * One process, plain `ws`, JSON.stringify for every frame. U pairs; each sender keeps W messages
 * unacknowledged (window mode), gets its ids with action 2 ten at a time, fetched ahead; each
 * recipient confirms every delivery with action 4 status 1. No latencies, no integrity bookkeeping:
 * it only counts acks and deliveries in the measured window.
 *
 *   node packages/bench/dist/tools/minimal-loader.js --url ws://127.0.0.1:PORT/ws \
 *     [--pairs 100] [--window 8] [--warmup 1] [--duration 5] [--server-pid <pid>]
 *
 * Prints one JSON line: { acked, delivered, seconds, ackedPerSec, deliveredPerSec, cpuPercent }
 * (its own CPU, percent of one core), plus serverCpuPercent over the same window with --server-pid.
 */
import { WebSocket } from 'ws';
import { cpuSeconds } from '../metrics/proc.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const url = arg('url', 'ws://127.0.0.1:8080/ws');
const pairs = Number(arg('pairs', '100'));
const window = Number(arg('window', '8'));
const warmupS = Number(arg('warmup', '1'));
const durationS = Number(arg('duration', '5'));
const prefix = arg('prefix', `m${process.pid}_`);
const serverPid = Number(arg('server-pid', '0'));
const text = 'x'.repeat(64);

let measuring = false;
let sending = true;
let acked = 0;
let delivered = 0;

/** The fields of a server frame this loader reads. */
interface Frame {
  action: string;
  fromId: string;
  chatMsg: { id: string; status: number; message: string };
}

function open(userId: string, onFrame: (ws: WebSocket, f: Frame) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ action: '1', fromId: userId, confirms: true })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      if (f.action === '1') resolve(ws);
      else onFrame(ws, f);
    });
  });
}

async function pair(i: number): Promise<() => void> {
  const from = `${prefix}s${i}`;
  const to = `${prefix}r${i}`;
  await open(to, (ws, f) => {
    if (f.action !== '3') return;
    if (measuring) delivered++;
    ws.send(
      JSON.stringify({ action: '4', fromId: to, toId: f.fromId, chatMsg: { id: f.chatMsg.id, status: 1 } }),
    );
  });
  const ids: string[] = [];
  let requested = 0;
  let inflight = 0;
  const sender = await open(from, (_ws, f) => {
    if (f.action === '2') {
      requested--;
      ids.push(...f.chatMsg.message.split(','));
    } else if (f.action === '4' && f.chatMsg.status === 1) {
      inflight--;
      if (measuring) acked++;
    } else return;
    pump();
  });
  const pump = () => {
    while (sending && inflight < window && ids.length > 0) {
      inflight++;
      const chatMsg = { id: ids.shift(), type: 0, message: text, status: 0 };
      sender.send(JSON.stringify({ action: '3', fromId: from, toId: to, chatMsg }));
    }
    while (ids.length + requested * 10 < window + 10) {
      requested++;
      sender.send(JSON.stringify({ action: '2', fromId: from }));
    }
  };
  return pump;
}

const pumps = await Promise.all(Array.from({ length: pairs }, (_, i) => pair(i)));
for (const p of pumps) p();
await new Promise((r) => setTimeout(r, warmupS * 1000));
const cpu0 = process.cpuUsage();
const server0 = serverPid > 0 ? cpuSeconds(serverPid) : 0;
const t0 = performance.now();
measuring = true;
await new Promise((r) => setTimeout(r, durationS * 1000));
measuring = false;
sending = false;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuPercent = (100 * (cpu.user + cpu.system)) / 1e6 / seconds;
const serverCpuPercent = serverPid > 0 ? (100 * (cpuSeconds(serverPid) - server0)) / seconds : undefined;
const result = { acked, delivered, seconds, cpuPercent, serverCpuPercent };
process.stdout.write(
  `${JSON.stringify({ ...result, ackedPerSec: acked / seconds, deliveredPerSec: delivered / seconds })}\n`,
);
process.exit(0);
