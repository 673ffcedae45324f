import type { Driver } from './driver.js';
import { rawWsDriver } from './raw-ws.js';
import { wsLibDriver } from './ws-lib.js';

/** Which WebSocket client the generator's `parley-ws` connections use (`BENCH_WS_CLIENT`). */
export const WS_CLIENTS = { raw: rawWsDriver, ws: wsLibDriver } as const;
export type WsClient = keyof typeof WS_CLIENTS;

/** `BENCH_WS_CLIENT`: `raw` (default, `raw-ws.ts`) or `ws` (the ws library's client, as before). */
export function wsClientOf(env: NodeJS.ProcessEnv): WsClient {
  const v = env.BENCH_WS_CLIENT;
  if (v === undefined || v === '' || v === 'raw') return 'raw';
  if (v === 'ws') return 'ws';
  throw new Error(`BENCH_WS_CLIENT must be raw or ws, not ${v}`);
}

/**
 * The Parley wire protocol, which the ws baseline relay speaks too: one JSON object per WebSocket
 * text frame, frames of @parley/protocol serialized with JSON.stringify (or sent as prepared text
 * on the hot path), over the client `BENCH_WS_CLIENT` names. Worker threads of the generator read
 * the same environment, so every connection of a run uses the same client.
 */
export const parleyDriver: Driver = {
  name: 'parley-ws',
  open: (url, localAddress, h) => WS_CLIENTS[wsClientOf(process.env)].open(url, localAddress, h),
};
