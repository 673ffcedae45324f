import { isUserId, type MsgTypeCode } from '@parley/protocol';
import { ParleyError } from './errors.js';
import { isWellFormed, utf8Length } from './text.js';
import type { MessageContent } from './types.js';

/** Room for everything in a message frame but the message and the user ids. */
const FRAME_OVERHEAD_BYTES = 200;

export function checkUser(user: string): void {
  if (!isUserId(user)) throw new ParleyError('INVALID_ARGUMENT', `not a user id: ${JSON.stringify(user)}`);
}

/** Normalises `send()` content and refuses locally what the server would refuse or cut off. */
export function checkMessage(
  from: string,
  to: string,
  content: MessageContent,
  maxFrameBytes: number,
): { type: MsgTypeCode; message: string } {
  checkUser(to);
  const { type, message } = typeof content === 'string' ? { type: 0 as const, message: content } : content;
  if (type !== 0 && type !== 1 && type !== 2)
    throw new ParleyError('INVALID_ARGUMENT', 'type must be 0, 1 or 2');
  if (typeof message !== 'string') throw new ParleyError('INVALID_ARGUMENT', 'the message must be a string');
  if (!isWellFormed(message)) {
    throw new ParleyError('INVALID_ARGUMENT', 'the message has a lone surrogate (not valid Unicode)');
  }
  // The size as written: JSON escapes included. A frame over the server's limit would get the
  // connection closed (1009), and resending it from the outbox would do so again and again.
  const bytes =
    utf8Length(JSON.stringify(message)) + utf8Length(from) + utf8Length(to) + FRAME_OVERHEAD_BYTES;
  if (bytes > maxFrameBytes) {
    throw new ParleyError('TOO_LARGE', `the message frame would be over ${maxFrameBytes} bytes`);
  }
  return { type, message };
}
