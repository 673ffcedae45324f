import { FileContent } from '../files/FileContent.js';
import { RichText } from '../text/RichText.js';
import { messageTime } from '../time/format-time.js';
import type { ChatEntry } from './chat-entry.js';
import { StatusTicks } from './StatusTicks.js';

export interface BubbleProps {
  entry: ChatEntry;
  mine: boolean;
  fileBase: string;
  /** Set when the message may be recalled now. */
  onRecall: (() => void) | undefined;
}

/** One message: its content as text nodes (never HTML), time, ticks for yours, recall. */
export function MessageBubble({ entry, mine, fileBase, onRecall }: BubbleProps) {
  return (
    <li
      class={`msg ${mine ? 'mine' : 'theirs'}`}
      data-id={entry.id ?? ''}
      data-testid="message"
      data-recalled={entry.recalled ? 'true' : undefined}
    >
      <div class="bubble">
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
          {mine && !entry.recalled && <StatusTicks status={entry.status} failed={entry.failed} />}
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
