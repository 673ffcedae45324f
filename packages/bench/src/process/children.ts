import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A server (Parley or a baseline relay) running as a child process of the harness. */
export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:PORT`, from the `listening on` line the child prints. */
  readonly url: string;
  /** What the child wrote on stderr so far (its warnings and errors). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  script: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** How long to wait for the `listening on` line. */
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();

/** Kills every child still running. Synchronous, so that it also works from `process.on('exit')`. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

/** Stops every child still running, politely first. */
export async function stopAllChildren(graceMs = 3000): Promise<void> {
  await Promise.all([...live].map((child) => stopChild(child, graceMs)));
}

let exitHookInstalled = false;

function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      live.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `node [nodeArgs] script` and resolves once it prints `listening on http://...`. */
export async function spawnServer(opts: SpawnOptions): Promise<ChildServer> {
  if (!existsSync(opts.script)) {
    throw new Error(`${opts.script} is missing: build first (cd /work/main && npx tsc -b)`);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAllChildren);
  }
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-20_000);
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${opts.name} did not start within ${opts.startTimeoutMs ?? 15_000} ms`)),
        opts.startTimeoutMs ?? 15_000,
      );
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out = (out + d).slice(-20_000);
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${opts.name} exited (${code ?? signal}) before listening: ${err.trim()}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    return {
      name: opts.name,
      pid: child.pid!,
      url,
      stderr: () => err,
      stop: (graceMs = 5000) => stopChild(child, graceMs),
    };
  } catch (e) {
    await stopChild(child, 1000);
    throw e;
  }
}

/**
 * Runs `node [nodeArgs] script args` to completion (a tool such as the minimal loader) and resolves
 * with its stdout; stopped with the servers on Ctrl-C. Rejects if it exits with an error.
 */
export function runNodeScript(
  script: string,
  args: readonly string[],
  opts: { timeoutMs?: number; onStart?: (pid: number) => void; nodeArgs?: readonly string[] } = {},
): Promise<string> {
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (npx tsc -b)`);
  const argv = [...(opts.nodeArgs ?? []), script, ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  if (child.pid !== undefined) opts.onStart?.(child.pid);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-5_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(out);
      else
        reject(new Error(`${path.basename(script)} exited (${code ?? signal}): ${err.trim().slice(-500)}`));
    });
  });
}
