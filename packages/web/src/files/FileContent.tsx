import type { ChatEntry } from '../chat/chat-entry.js';
import { safeHref } from '../text/linkify.js';
import { formatBytes, isPreviewableImage, nameFromUrl, ownFilePath } from './file-url.js';
import { useFileInfo } from './use-file-info.js';

/**
 * A file message: an image of this server as a preview, any other file as a download link. A URL
 * of another server is only a link (the page never loads it); anything else shows as text.
 */
export function FileContent({ entry, fileBase }: { entry: ChatEntry; fileBase: string }) {
  const path = entry.message ? ownFilePath(entry.message, fileBase) : undefined;
  const info = useFileInfo(entry.local ? undefined : path);
  if (entry.local) {
    const { url, name, mime, size } = entry.local;
    return isPreviewableImage(mime) ? (
      <img class="image" src={url} alt={name} data-testid="image" />
    ) : (
      <span class="file">
        📎 {name} <span class="muted">({formatBytes(size)})</span>
      </span>
    );
  }
  if (path === undefined) {
    const href = safeHref(entry.message);
    return href ? (
      <a class="file" href={href} target="_blank" rel="noopener noreferrer nofollow">
        📎 {nameFromUrl(href)}
      </a>
    ) : (
      <span>{entry.message}</span>
    );
  }
  if (info === 'loading') return <span class="file muted">Loading file…</span>;
  if (info && isPreviewableImage(info.mime)) {
    return (
      <a href={path} target="_blank" rel="noopener noreferrer" class="image-link">
        <img class="image" src={path} alt={info.name} data-testid="image" />
      </a>
    );
  }
  const name = info?.name ?? nameFromUrl(entry.message);
  return (
    <a class="file" href={path} download={name} data-testid="file-link">
      📎 {name}
      {info?.size !== undefined && <span class="muted"> ({formatBytes(info.size)})</span>}
    </a>
  );
}
