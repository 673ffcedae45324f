/** A passing message (errors, friend requests), read out by screen readers. */
export function Notice({ text, onDismiss }: { text: string | undefined; onDismiss: () => void }) {
  return (
    <div class="notice-area" aria-live="polite">
      {text !== undefined && (
        <div class="notice" role="status">
          <span>{text}</span>
          <button type="button" class="link-button" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
