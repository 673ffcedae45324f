import { useEffect, useRef, useState } from 'preact/hooks';
import { PaperclipIcon, SendIcon, SmileIcon } from '../ui/icons.js';
import { EmojiPicker } from './EmojiPicker.js';

export interface ComposerProps {
  /** Returns true when the text was taken (the field then empties). */
  onSend: (text: string) => boolean;
  onTyping: (text: string) => void;
  onFile: (file: File) => void;
}

/**
 * The text field: Enter sends, Shift+Enter starts a new line, Enter that confirms an input method's
 * composition (Chinese, Japanese, Korean) does not send. Files go through a regular file picker.
 */
export function Composer({ onSend, onTyping, onFile }: ComposerProps) {
  const [text, setText] = useState('');
  const [emoji, setEmoji] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  // on a desktop the chat opens ready to type; on a phone that would pop the keyboard up
  useEffect(() => {
    if (matchMedia('(min-width: 720px)').matches) field.current?.focus();
  }, []);

  const send = () => {
    if (onSend(text)) setText('');
    field.current?.focus();
  };
  const insert = (value: string) => {
    const el = field.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + value + text.slice(end);
    setText(next);
    onTyping(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + value.length, start + value.length);
    });
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {emoji && (
        <EmojiPicker
          onPick={(v) => insert(v)}
          onClose={() => {
            setEmoji(false);
            field.current?.focus();
          }}
        />
      )}
      <button
        type="button"
        class="icon-button"
        aria-label="Emoji"
        aria-expanded={emoji}
        onClick={() => setEmoji(!emoji)}
      >
        <SmileIcon />
      </button>
      <button
        type="button"
        class="icon-button"
        aria-label="Attach a file or image"
        onClick={() => picker.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={picker}
        type="file"
        class="sr-only"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (file) onFile(file);
          input.value = '';
        }}
      />
      <textarea
        ref={field}
        class="composer-field"
        rows={1}
        placeholder="Message"
        aria-label="Message"
        value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          onTyping(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="icon-button send" aria-label="Send" disabled={text.trim() === ''}>
        <SendIcon />
      </button>
    </form>
  );
}
