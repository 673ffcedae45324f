import type { BlockedFrame, BlockedReply, BlockFrame } from '@parley/protocol';
import { ParleyError } from './errors.js';
import type { Ask } from './groups.js';
import { checkUser } from './validate.js';

/**
 * Blocks (`blocked: true`) or unblocks a user (action 20); resolves on the server's echo. Either
 * is harmless to repeat, so it is written again after a reconnect.
 */
export async function setBlocked(ask: Ask, userId: string, other: string, blocked: boolean): Promise<void> {
  checkUser(other);
  if (other === userId) throw new ParleyError('INVALID_ARGUMENT', 'you cannot block yourself');
  const frame: BlockFrame = { action: '20', fromId: userId, toId: other, blocked };
  await ask(frame);
}

/** The users this user blocked, oldest first (action 21). */
export async function blockedUsers(ask: Ask, userId: string): Promise<string[]> {
  const frame: BlockedFrame = { action: '21', fromId: userId };
  const reply = (await ask(frame)) as BlockedReply;
  return Array.isArray(reply.blocked) ? reply.blocked.filter((u) => typeof u === 'string') : [];
}
