/** Shown while the connection is down: what the person types still goes out, once. */
export function ReconnectBanner({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div class="banner" role="status" data-testid="reconnect-banner">
      Connection lost, reconnecting… Messages you send now go out when it is back.
    </div>
  );
}
