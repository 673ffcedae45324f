import type { Envelope } from '@parley/protocol';

export type { Envelope };

export interface EnvelopeOptions {
  msgId?: string;
  version?: number;
  /** Epoch ms; default now. */
  timestamp?: number;
}

let envelopeCounter = Math.floor(Math.random() * 1_000_000_000);

/** Builds an envelope; `msgId` defaults to `<type>_<n>` with a per-process counter. */
export function createEnvelope(type: string, payload: string, opts: EnvelopeOptions = {}): Envelope {
  return {
    version: opts.version ?? 0,
    msgId: opts.msgId ?? `${type}_${++envelopeCounter}`,
    type,
    timestamp: String(opts.timestamp ?? Date.now()),
    payload,
  };
}

/** The envelope as the `message` string of a type 2 message (fields in the MIMC order). */
export function encodeEnvelope(envelope: Envelope): string {
  const { version, msgId, type, timestamp, payload } = envelope;
  return JSON.stringify({ version, msgId, type, timestamp, payload });
}

/**
 * Reads an envelope from a message string. Returns undefined, never throws, for anything that is
 * not JSON or not an envelope (wrong or missing fields). Unknown extra fields are ignored.
 */
export function parseEnvelope(text: unknown): Envelope | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.version !== 'number' || !Number.isFinite(v.version)) return undefined;
  if (typeof v.msgId !== 'string' || typeof v.type !== 'string' || typeof v.payload !== 'string') {
    return undefined;
  }
  // MIMC sends the timestamp as a string; accept a number too and normalise it.
  let timestamp: string;
  if (typeof v.timestamp === 'string') timestamp = v.timestamp;
  else if (typeof v.timestamp === 'number' && Number.isFinite(v.timestamp)) timestamp = String(v.timestamp);
  else return undefined;
  return { version: v.version, msgId: v.msgId, type: v.type, timestamp, payload: v.payload };
}
