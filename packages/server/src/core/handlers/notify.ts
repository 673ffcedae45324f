import type { Session } from '../session.js';

/**
 * Confirms a stored notice to the connection that caused it (the same frame echoed) and routes it
 * to the other user, whose copy stays pending until it reached one of its connections.
 */
export function echoAndNotify(s: Session, frame: string, toUser: string, noticeId: number): void {
  s.replyText(frame);
  s.ctx.publish({ kind: 'notice', userId: toUser, noticeId, frame });
}
