import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/test/helpers/test-server.js';
import {
  bubbles,
  conversationItem,
  makeContacts,
  newPerson,
  openChat,
  signIn,
  tickOf,
  useBrowser,
} from './helpers/browser.js';

const browser = useBrowser();

/** A real PNG of `size`×`size` red pixels. */
function png(size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([220, 40, 40]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('files in the web client', () => {
  it('an uploaded image shows as a preview on both sides; another file as a download link', async () => {
    const t = await startTestServer();
    const base = t.server.url;
    await makeContacts(base, { alice: 'Alice', bob: 'Bob' });
    const alice = await newPerson(browser(), base);
    const bob = await newPerson(browser(), base);
    await signIn(alice, base, 'alice');
    await signIn(bob, base, 'bob');
    await openChat(alice.page, 'bob');

    const input = alice.page.getByTestId('file-input');
    await input.setInputFiles({ name: '照片.png', mimeType: 'image/png', buffer: png(24) });
    const sent = bubbles(alice.page).filter({ has: alice.page.getByTestId('image') });
    await tickOf(sent, 'sent');

    await conversationItem(bob.page, 'alice').filter({ hasText: '照片.png' }).waitFor();
    await openChat(bob.page, 'alice');
    const image = bob.page.getByTestId('image');
    await image.waitFor();
    expect(await image.getAttribute('src')).toMatch(/^\/files\/[A-Za-z0-9_-]+$/);
    expect(await image.getAttribute('alt')).toBe('照片.png');
    await bob.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid=image]');
      return img?.complete === true && img.naturalWidth === 24;
    });
    await tickOf(sent, 'read');

    await input.setInputFiles({
      name: 'notes.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<b>hi</b>'),
    });
    const link = bob.page.getByTestId('file-link');
    await link.filter({ hasText: 'notes.html' }).waitFor();
    expect(await link.getAttribute('download')).toBe('notes.html');
    expect(await link.getAttribute('href')).toMatch(/^\/files\/[A-Za-z0-9_-]+$/);
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
