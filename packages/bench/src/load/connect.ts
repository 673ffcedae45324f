import type { Client } from './clients.js';
import type { Driver } from './drivers/driver.js';

/** Connections per loopback source address: few, so that bind() finds a free port at once. */
const PER_ADDRESS = 2_000;
let nextAddress = 2;

/**
 * Loopback source addresses (127.0.0.2, 127.0.0.3, ...) for `connections` sockets, so that tens of
 * thousands of connections to one server port do not run out of ephemeral ports. Each call takes
 * fresh addresses: a dropped client connection sits in TIME_WAIT on its address and port for a
 * minute, and reusing a crowded address makes every bind() search longer.
 */
export function sourceAddresses(connections: number): string[] {
  const n = Math.max(2, Math.ceil(connections / PER_ADDRESS));
  const out: string[] = [];
  while (out.length < n) {
    const i = nextAddress++;
    if (nextAddress > 0xfffffe) nextAddress = 2;
    if ((i & 0xff) === 0 || (i & 0xff) === 0xff) continue;
    out.push(`127.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`);
  }
  return out;
}

export interface ConnectOutcome {
  connected: number;
  failed: number;
  /** Attempts that failed and were tried again. */
  retries: number;
  /** Failed attempts (retried or not) by error message. */
  errors: Record<string, number>;
  seconds: number;
  firstError?: string;
}

export interface ConnectOptions {
  /** Connection attempts in flight at once (Infinity: all at once, as in a reconnect storm). */
  concurrency?: number;
  /** Spread clients over these source addresses, round robin (default: enough for `clients`). */
  addresses?: string[];
  onProgress?: (done: number, total: number) => void;
  timeoutMs?: number;
  /** Failed attempts are retried this many times after a random 100-600 ms pause, as clients do. */
  retries?: number;
}

/** Connects clients (transport, then action 1), a bounded number at a time. */
export async function connectAll(
  clients: readonly Client[],
  driver: Driver,
  url: string,
  opts: ConnectOptions = {},
): Promise<ConnectOutcome> {
  const addresses = opts.addresses ?? sourceAddresses(clients.length);
  const concurrency = Math.min(opts.concurrency ?? 256, clients.length);
  const t0 = performance.now();
  let next = 0;
  let connected = 0;
  let failed = 0;
  let retries = 0;
  let firstError: string | undefined;
  const errors: Record<string, number> = {};
  const worker = async () => {
    while (next < clients.length) {
      const i = next++;
      for (let attempt = 0; ; attempt++) {
        try {
          await clients[i]!.connect(driver, url, addresses[i % addresses.length]!, opts.timeoutMs);
          connected++;
          break;
        } catch (err) {
          clients[i]!.drop();
          const message = err instanceof Error ? err.message : String(err);
          firstError ??= message;
          errors[`connect: ${message}`] = (errors[`connect: ${message}`] ?? 0) + 1;
          if (attempt >= (opts.retries ?? 0)) {
            failed++;
            break;
          }
          retries++;
          await sleep(100 + Math.random() * 500);
        }
      }
      opts.onProgress?.(connected + failed, clients.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const outcome: ConnectOutcome = {
    connected,
    failed,
    retries,
    errors,
    seconds: (performance.now() - t0) / 1000,
  };
  if (firstError !== undefined) outcome.firstError = firstError;
  return outcome;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every `everyMs` until it holds or `timeoutMs` passes; resolves with whether it held. */
export async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(everyMs);
  }
  return true;
}
