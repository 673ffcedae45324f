/** What the server says about a stored file (a HEAD request: no body is downloaded). */
export interface FileInfo {
  name: string;
  mime: string;
  size: number | undefined;
}

const known = new Map<string, Promise<FileInfo | undefined>>();

/** The name, type and size of a file of this server (`/files/<id>`), asked once per page. */
export function fileInfo(path: string): Promise<FileInfo | undefined> {
  let info = known.get(path);
  if (!info) {
    info = ask(path);
    known.set(path, info);
    // a failure (offline) is not remembered: the next render asks again
    info.then((i) => i === undefined && known.delete(path));
  }
  return info;
}

async function ask(path: string): Promise<FileInfo | undefined> {
  try {
    const res = await fetch(path, { method: 'HEAD' });
    if (!res.ok) return undefined;
    const length = res.headers.get('content-length');
    return {
      name: nameFromDisposition(res.headers.get('content-disposition')) ?? 'file',
      mime: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      size: length === null ? undefined : Number(length),
    };
  } catch {
    return undefined;
  }
}

/** `filename*=UTF-8''…` (RFC 6266) when present, else `filename="…"`. */
export function nameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the ASCII name
    }
  }
  return /filename="([^"]*)"/i.exec(header)?.[1];
}
