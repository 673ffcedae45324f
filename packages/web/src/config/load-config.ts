import type { WebClientConfig } from '@parley/protocol';

export type { WebClientConfig };

/** The server's settings for this page (`GET /config.json`, served next to it). */
export async function loadConfig(): Promise<WebClientConfig> {
  const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`could not read /config.json (HTTP ${res.status})`);
  const body = (await res.json()) as Partial<WebClientConfig>;
  return {
    auth: body.auth === 'token' ? 'token' : 'open',
    ...(typeof body.tokenUrl === 'string' && { tokenUrl: body.tokenUrl }),
    namesEditable: body.namesEditable === true,
    fileBase: typeof body.fileBase === 'string' ? body.fileBase.replace(/\/+$/, '') : location.origin,
    recallWindowMs: numberOr(body.recallWindowMs, 120_000),
    maxMessageBytes: numberOr(body.maxMessageBytes, 16_384),
    maxUploadBytes: numberOr(body.maxUploadBytes, 20 * 1024 * 1024),
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The WebSocket endpoint of the server that served this page. */
export function webSocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
