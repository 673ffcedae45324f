import { useEffect, useState } from 'preact/hooks';
import { type FileInfo, fileInfo } from './file-info.js';

/** The file's name, type and size once the server told them; 'loading' until then. */
export function useFileInfo(path: string | undefined): FileInfo | undefined | 'loading' {
  const [info, setInfo] = useState<FileInfo | undefined | 'loading'>('loading');
  useEffect(() => {
    if (path === undefined) return;
    let live = true;
    setInfo('loading');
    void fileInfo(path).then((i) => live && setInfo(i));
    return () => {
      live = false;
    };
  }, [path]);
  return path === undefined ? undefined : info;
}
