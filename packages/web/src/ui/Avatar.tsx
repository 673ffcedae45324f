/**
 * Initials in a colored circle (the color from the id), with a presence dot when known; a group's
 * is a rounded square.
 */
export function Avatar({
  id,
  title,
  online,
  group = false,
}: {
  id: string;
  title: string;
  online: boolean | undefined;
  group?: boolean;
}) {
  const initial = [...title.trim()][0]?.toUpperCase() ?? '?';
  return (
    <span class={`avatar hue-${hueOf(id)}${group ? ' group' : ''}`} aria-hidden="true">
      {initial}
      {online !== undefined && <span class={online ? 'dot online' : 'dot offline'} />}
    </span>
  );
}

function hueOf(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 8;
  return h;
}

/** Words for the presence dot, for screen readers and titles. */
export function presenceText(online: boolean | undefined): string {
  if (online === undefined) return '';
  return online ? 'online' : 'offline';
}
