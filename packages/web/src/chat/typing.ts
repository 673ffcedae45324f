import { createEnvelope, encodeEnvelope, parseEnvelope, type ReceivedMessage } from '@parley/client';
import { Observable } from '../app/observable.js';

/** The envelope type of typing signals (type 2 app messages, sent transient: never stored). */
export const TYPING = 'TYPING';
/** While typing, one signal at most this often. */
export const TYPING_EVERY_MS = 3_000;
/** A signal shows "typing…" this long unless another one or a message comes. */
export const TYPING_SHOWN_MS = 6_000;

export type TypingSignal = 'start' | 'stop';

export function typingEnvelope(from: string, signal: TypingSignal): string {
  return encodeEnvelope(createEnvelope(TYPING, signal === 'stop' ? 'stop' : from));
}

/** The signal a transient message carries, if it is a typing signal. */
export function typingSignalOf(m: ReceivedMessage): TypingSignal | undefined {
  if (!m.transient || m.chatMsg.type !== 2) return undefined;
  const env = parseEnvelope(m.chatMsg.message);
  if (env?.type !== TYPING) return undefined;
  return env.payload === 'stop' ? 'stop' : 'start';
}

/** When to tell a peer or a group that we type: debounced, so keystrokes do not each make a frame. */
export class TypingOut {
  private readonly lastSent = new Map<string, number>();

  /** Whether a keystroke now should send a signal to `peer`. */
  shouldStart(peer: string, now = Date.now()): boolean {
    const last = this.lastSent.get(peer);
    if (last !== undefined && now - last < TYPING_EVERY_MS) return false;
    this.lastSent.set(peer, now);
    return true;
  }

  /** A stop (cleared input, sent message) is worth a frame only after a start. */
  shouldStop(peer: string): boolean {
    return this.lastSent.delete(peer);
  }
}

/** Who is typing to us now, per conversation (a 1:1 chat's key, or a group's: several people). */
export class TypingIn extends Observable {
  private readonly timers = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();

  isTyping(key: string): boolean {
    return (this.timers.get(key)?.size ?? 0) > 0;
  }

  /** Who types in the conversation `key`, in the order they started. */
  typers(key: string): string[] {
    return [...(this.timers.get(key)?.keys() ?? [])];
  }

  signal(key: string, userId: string, signal: TypingSignal): void {
    if (signal === 'stop') {
      this.clear(key, userId);
      return;
    }
    let users = this.timers.get(key);
    if (!users) {
      users = new Map();
      this.timers.set(key, users);
    }
    const had = users.has(userId);
    clearTimeout(users.get(userId));
    users.set(
      userId,
      setTimeout(() => this.clear(key, userId), TYPING_SHOWN_MS),
    );
    if (!had) this.changed();
  }

  clear(key: string, userId: string): void {
    const users = this.timers.get(key);
    const timer = users?.get(userId);
    if (!users || timer === undefined) return;
    clearTimeout(timer);
    users.delete(userId);
    if (users.size === 0) this.timers.delete(key);
    this.changed();
  }

  dispose(): void {
    for (const users of this.timers.values()) for (const timer of users.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
