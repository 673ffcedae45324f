import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/test-server.js';

async function upload(base: string, body: BodyInit, query: string, type?: string) {
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  const res = await fetch(`${base}/files${query}`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('files (B8)', () => {
  it('uploads and downloads a binary file byte for byte, then sends its URL as a type 1 message', async () => {
    const t = await startTestServer();
    const data = randomBytes(300_000);
    const up = await upload(t.server.url, data, '?name=photo.jpg', 'image/jpeg');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: 'photo.jpg', size: data.length, mime: 'image/jpeg' });
    const url = up.body.url as string;
    expect(url).toMatch(new RegExp(`^${t.server.url}/files/[A-Za-z0-9_-]{22}$`));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(data.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="photo.jpg"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);

    const a = await t.connect('alice');
    const b = await t.connect('bob');
    const [id] = await a.ids();
    a.send({ action: '3', fromId: 'alice', toId: 'bob', chatMsg: { id, type: 1, message: url } });
    expect((await b.nextAction('3')).chatMsg).toMatchObject({ type: 1, message: url });
  });

  it('serves ranges, HEAD and conditional requests', async () => {
    const t = await startTestServer();
    const data = Buffer.from('0123456789abcdef');
    const { body } = await upload(t.server.url, data, '?name=digits.txt', 'text/plain');
    const url = body.url as string;
    const part = await fetch(url, { headers: { range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/16');
    expect(await part.text()).toBe('2345');
    const tail = await fetch(url, { headers: { range: 'bytes=-3' } });
    expect(await tail.text()).toBe('def');
    const open = await fetch(url, { headers: { range: 'bytes=10-' } });
    expect(await open.text()).toBe('abcdef');
    const bad = await fetch(url, { headers: { range: 'bytes=99-' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */16');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('16');
    expect(await head.text()).toBe('');
    const etag = head.headers.get('etag')!;
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves anything a browser could run as an attachment, sandboxed', async () => {
    const t = await startTestServer();
    for (const [name, type] of [
      ['page.html', 'text/html'],
      ['logo.svg', 'image/svg+xml'],
      ['x.js', 'text/javascript'],
      ['data.xml', 'application/xml'],
      ['noType', undefined],
      ['evil', 'text/html; charset=utf-8'],
    ] as const) {
      const content = Buffer.from('<script>alert(1)</script>'); // a Buffer body has no default type
      const { body } = await upload(t.server.url, content, `?name=${name}`, type);
      const res = await fetch(body.url as string);
      expect(res.headers.get('content-disposition'), name).toMatch(/^attachment;/);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses a file over the limit with 413 and keeps nothing', async () => {
    const t = await startTestServer({ maxUploadBytes: 1000 });
    const over = await upload(t.server.url, randomBytes(1001), '?name=big.bin');
    expect(over).toMatchObject({ status: 413, body: { code: 'TOO_LARGE' } });
    // without a Content-Length the limit is enforced while streaming
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(400));
        c.close();
      },
    });
    const streamed = await fetch(`${t.server.url}/files?name=s.bin`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const ok = await upload(t.server.url, randomBytes(1000), '?name=fits.bin');
    expect(ok.status).toBe(201);
  });

  it('answers 404 for unknown or malformed ids, and cleans names', async () => {
    const t = await startTestServer();
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'short', '..%2F..%2Fparley.db']) {
      const res = await fetch(`${t.server.url}/files/${id}`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    }
    const { body } = await upload(
      t.server.url,
      'x',
      `?name=${encodeURIComponent('../../etc/pass\nwd"照片.png')}`,
      'image/png',
    );
    expect(body.name).toBe('passwd照片.png');
    const res = await fetch(body.url as string);
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="passwd__.png"; filename*=UTF-8''${encodeURIComponent('passwd照片.png')}`,
    );
  });

  it('does not build file links from the Host header a client sends', async () => {
    const t = await startTestServer();
    const { port } = new URL(t.server.url);
    const net = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'POST /files?name=a.txt HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi',
        ),
      );
      let text = '';
      socket.on('data', (d) => {
        text += d;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 201/);
    expect(answer).not.toContain('evil.example');
    expect(answer).toContain(`"url":"${t.server.url}/files/`);
    const behindProxy = await startTestServer({ publicUrl: 'https://chat.example.com/' });
    const up = await upload(behindProxy.server.url, 'hi', '?name=a.txt', 'text/plain');
    expect(up.body.url).toMatch(/^https:\/\/chat\.example\.com\/files\/[A-Za-z0-9_-]{22}$/);
  });
});
