/** A chat entry as the conversation list previews it (its conversation's latest message). */
import type { ChatEntry } from '../chat/chat-entry.js';
import type { ConversationPreview } from '../conversations/conversation.js';

/** The preview of entry `e` for user `me`: a file shows its name and keeps its URL. */
export function previewOf(e: ChatEntry, me: string): ConversationPreview {
  return {
    key: e.key,
    id: e.id,
    fromId: e.fromId,
    fromMe: e.fromId === me,
    type: e.type,
    text: e.type === 1 ? (e.local?.name ?? '') : e.message,
    ...(e.type === 1 && e.message !== '' && { fileUrl: e.message }),
    status: e.status,
    recalled: e.recalled,
    ts: e.ts,
  };
}
