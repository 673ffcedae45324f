import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatEntry } from './chat-entry.js';
import { MessageBubble } from './MessageBubble.js';
import type { Timeline } from './timeline.js';

const NEAR_TOP_PX = 80;
const NEAR_BOTTOM_PX = 48;

export interface MessageListProps {
  timeline: Timeline;
  me: string;
  fileBase: string;
  canRecall: (entry: ChatEntry) => boolean;
  onRecall: (entry: ChatEntry) => void;
  onLoadOlder: () => void;
  /** A group's membership event as a sentence. */
  eventText: (entry: ChatEntry) => string;
  /** In a group: who sent a message of someone else's. */
  senderOf?: ((entry: ChatEntry) => string) | undefined;
  /** In a group: how many members read a message of yours. */
  readCountOf?: ((entry: ChatEntry) => number) | undefined;
}

/**
 * The messages, oldest at the top. Opens at the bottom and stays there as messages come while you
 * are at the bottom; scrolling near the top loads the previous page and keeps your place.
 */
export function MessageList({
  timeline,
  me,
  fileBase,
  canRecall,
  onRecall,
  onLoadOlder,
  eventText,
  senderOf,
  readCountOf,
}: MessageListProps) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const seenPrepends = useRef(timeline.prepends);
  // read before this render reaches the DOM: the height to keep the place from
  const heightBefore = useRef(0);
  if (box.current) heightBefore.current = box.current.scrollHeight;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (timeline.prepends !== seenPrepends.current) {
      seenPrepends.current = timeline.prepends;
      el.scrollTop += el.scrollHeight - heightBefore.current;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    // a first page shorter than the screen cannot be scrolled: fetch more until it can
    if (
      timeline.loaded &&
      !timeline.reachedStart &&
      !timeline.loading &&
      el.scrollHeight <= el.clientHeight
    ) {
      onLoadOlder();
    }
  });

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX) onLoadOlder();
  };
  // an image that finished loading grows the list: stay at the bottom if we were there
  const onLoadCapture = () => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  };

  const entries = timeline.list();
  return (
    <div class="messages" ref={box} onScroll={onScroll} onLoadCapture={onLoadCapture}>
      <div class="history-edge">
        {timeline.reachedStart ? (
          <span class="muted">Beginning of the conversation</span>
        ) : timeline.loading ? (
          <span class="muted">Loading…</span>
        ) : (
          timeline.loaded && (
            <button type="button" class="link-button" onClick={onLoadOlder}>
              Load older messages
            </button>
          )
        )}
      </div>
      <div role="log" aria-live="polite" aria-label="Messages">
        <ol class="message-list">
          {entries.map((e) => {
            if (e.event) {
              return (
                <li key={e.key} class="system-line" data-testid="system-line">
                  {eventText(e)}
                </li>
              );
            }
            const mine = e.fromId === me;
            return (
              <MessageBubble
                key={e.key}
                entry={e}
                mine={mine}
                fileBase={fileBase}
                sender={!mine && senderOf ? senderOf(e) : undefined}
                readCount={mine && readCountOf && e.status >= 1 && !e.recalled ? readCountOf(e) : undefined}
                onRecall={canRecall(e) ? () => onRecall(e) : undefined}
              />
            );
          })}
        </ol>
      </div>
    </div>
  );
}
