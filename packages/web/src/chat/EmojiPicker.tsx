const EMOJI = [
  '😀',
  '😂',
  '😊',
  '😍',
  '😘',
  '😎',
  '🤔',
  '😅',
  '😭',
  '😡',
  '👍',
  '👎',
  '👏',
  '🙏',
  '💪',
  '🎉',
  '❤️',
  '🔥',
  '✨',
  '👋',
  '🌹',
  '☕',
  '🍻',
  '🐱',
];

/** A few emoji to insert (the system font draws them: nothing to download). */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  return (
    <fieldset
      class="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <legend class="sr-only">Emoji</legend>
      {EMOJI.map((emoji) => (
        <button type="button" key={emoji} class="emoji" onClick={() => onPick(emoji)} aria-label={emoji}>
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}
