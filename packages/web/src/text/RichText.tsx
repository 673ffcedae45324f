import { linkify } from './linkify.js';

/**
 * Message text as text nodes, with http(s) links as anchors that open in a new tab without a
 * referrer. Never HTML: `<b>` in a message shows as `<b>`.
 */
export function RichText({ text }: { text: string }) {
  return (
    <span class="rich-text">
      {linkify(text).map((part, i) =>
        part.kind === 'text' ? (
          part.text
        ) : (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ),
      )}
    </span>
  );
}
