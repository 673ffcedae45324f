/** The typing signals this user sends: started (debounced) and stopped, as transient messages. */
import type { ConnectionState, ParleyClient } from '@parley/client';
import { TypingOut, typingEnvelope } from '../chat/typing.js';
import { type ConversationRef, idOf } from '../conversations/conversation.js';
import type { GroupDirectory } from '../groups/group-directory.js';

/** What typing signals need from the session. */
export interface TypingHost {
  readonly me: string;
  readonly groups: GroupDirectory;
  client(): ParleyClient;
  connection(): ConnectionState;
}

/** Tells the peer or group that this user types (at most once per debounce), or that it stopped. */
export class TypingSignals {
  private readonly typingOut = new TypingOut();

  constructor(private readonly host: TypingHost) {}

  /** The composer of `ref` now holds `text`: a start signal (debounced), or a stop when empty. */
  typing(ref: ConversationRef, text: string): void {
    const { me, groups } = this.host;
    if (this.host.connection() !== 'connected') return;
    if (ref.kind === 'direct' ? ref.peerId === me : groups.get(ref.groupId).member === false) return;
    if (text === '') this.stopTyping(ref);
    else if (this.typingOut.shouldStart(idOf(ref))) this.signalTyping(idOf(ref), 'start');
  }

  /** A stop signal, if a start went out and the link is up (a message was sent, the composer emptied). */
  stopTyping(ref: ConversationRef): void {
    if (this.typingOut.shouldStop(idOf(ref)) && this.host.connection() === 'connected') {
      this.signalTyping(idOf(ref), 'stop');
    }
  }

  private signalTyping(to: string, signal: 'start' | 'stop'): void {
    // transient: never stored; OFFLINE when nobody is connected, BLOCKED when blocked: both fine
    this.host
      .client()
      .sendTransient(to, { type: 2, message: typingEnvelope(this.host.me, signal) })
      .catch(() => undefined);
  }
}
