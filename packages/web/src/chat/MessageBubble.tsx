import { FileContent } from '../files/FileContent.js';
import { RichText } from '../text/RichText.js';
import { messageTime } from '../time/format-time.js';
import type { ChatEntry, DeliveryStatus } from './chat-entry.js';
import { StatusTicks } from './StatusTicks.js';

export interface BubbleProps {
  entry: ChatEntry;
  mine: boolean;
  fileBase: string;
  /** In a group: the sender's name (messages of others). */
  sender?: string | undefined;
  /** In a group: how many other members read it (messages of yours). */
  readCount?: number | undefined;
  /** Set when the message may be recalled now. */
  onRecall: (() => void) | undefined;
}

/**
 * One message: its content as text nodes (never HTML), time, ticks for yours (in a group, with how
 * many read it), the sender in a group, recall.
 */
export function MessageBubble({ entry, mine, fileBase, sender, readCount, onRecall }: BubbleProps) {
  return (
    <li
      class={`msg ${mine ? 'mine' : 'theirs'}`}
      data-id={entry.id ?? ''}
      data-testid="message"
      data-recalled={entry.recalled ? 'true' : undefined}
    >
      <div class="bubble">
        {sender !== undefined && <span class="sender">{sender}</span>}
        {entry.recalled ? (
          <em class="muted">{mine ? 'You recalled this message' : 'Message recalled'}</em>
        ) : entry.type === 0 ? (
          <RichText text={entry.message} />
        ) : entry.type === 1 ? (
          <FileContent entry={entry} fileBase={fileBase} />
        ) : (
          <span class="muted">App message</span>
        )}
        <span class="meta">
          <time>{messageTime(entry.ts)}</time>
          {readCount !== undefined && readCount > 0 && (
            <span class="read-count" data-testid="read-count">
              read by {readCount}
            </span>
          )}
          {mine && !entry.recalled && (
            // a group message is never "read" as a whole: its ticks stop at sent, the count says more
            <StatusTicks
              status={readCount !== undefined ? (Math.min(entry.status, 1) as DeliveryStatus) : entry.status}
              failed={entry.failed}
            />
          )}
        </span>
      </div>
      {entry.failed !== undefined && <span class="failed-reason">{entry.failed}</span>}
      {onRecall && (
        <button type="button" class="link-button recall" onClick={onRecall}>
          Recall
        </button>
      )}
    </li>
  );
}
