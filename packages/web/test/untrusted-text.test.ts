import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linkify } from '../src/text/linkify.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('untrusted text in the web client', () => {
  it('never goes through HTML: no innerHTML, dangerouslySetInnerHTML, eval or document.write in the sources', () => {
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(
        /innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|\beval\(|new Function\(/,
      );
    }
  });

  it('links only http and https, and leaves trailing punctuation out', () => {
    expect(linkify('see https://example.com/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(linkify('javascript:alert(1) data:text/html,<b>x</b>')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,<b>x</b>' },
    ]);
    expect(linkify('（http://例子.测试/路径）')).toEqual([
      { kind: 'text', text: '（' },
      {
        kind: 'link',
        text: 'http://例子.测试/路径',
        href: 'http://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84',
      },
      { kind: 'text', text: '）' },
    ]);
    expect(linkify('😀 𠀀')).toEqual([{ kind: 'text', text: '😀 𠀀' }]);
  });
});
