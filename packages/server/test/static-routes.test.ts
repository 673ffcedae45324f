import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestServer, tempDir } from './helpers/test-server.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path exactly as given (fetch would normalise `..` and `%2e%2e` away). */
function raw(base: string, rawPath: string, headers: Record<string, string> = {}, method = 'GET') {
  const { hostname, port } = new URL(base);
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PAGE =
  '<!doctype html><title>Parley</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A fake build: index.html, a hashed asset, a favicon; a secret next to (outside) the folder. */
function fakeBuild(): { webDir: string; outside: string } {
  const parent = tempDir('parley-web-');
  const webDir = path.join(parent, 'dist');
  mkdirSync(path.join(webDir, 'assets'), { recursive: true });
  writeFileSync(path.join(webDir, 'index.html'), PAGE);
  writeFileSync(path.join(webDir, 'assets', 'app-1a2b3c.js'), 'console.log(1);');
  writeFileSync(path.join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(webDir, '.hidden'), 'dot file');
  const outside = path.join(parent, 'secret.txt');
  writeFileSync(outside, 'SECRET');
  symlinkSync(outside, path.join(webDir, 'assets', 'link.txt'));
  return { webDir, outside };
}

describe('the web client at /', () => {
  it('serves index.html with no-cache and a strict CSP, hashed assets as immutable', async () => {
    const { webDir } = fakeBuild();
    const t = await startTestServer({ webDir });
    const page = await raw(t.server.url, '/', HTML);
    expect(page.status).toBe(200);
    expect(page.body).toBe(PAGE);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = String(page.headers['content-security-policy']);
    const host = new URL(t.server.url).host;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');

    const again = await raw(t.server.url, '/', { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);

    const asset = await raw(t.server.url, '/assets/app-1a2b3c.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1);');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await raw(t.server.url, '/favicon.svg');
    expect(icon.headers['cache-control']).toBe('no-cache');
    const head = await raw(t.server.url, '/assets/app-1a2b3c.js', {}, 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '15']);
  });

  it('falls back to index.html only for GET navigations outside the API, ws and files', async () => {
    const { webDir } = fakeBuild();
    const t = await startTestServer({ webDir });
    expect((await raw(t.server.url, '/chat/bob', HTML)).body).toBe(PAGE);
    // not a navigation: a script or an API client asking for a missing path gets the API's 404
    const script = await raw(t.server.url, '/chat/bob.js', { accept: '*/*' });
    expect(script.status).toBe(404);
    expect(JSON.parse(script.body)).toMatchObject({ code: 'NOT_FOUND' });
    for (const p of ['/v1/nope', '/files/nope/more', '/ws/x', '/assets/missing.js', '/healthz/x']) {
      const res = await raw(t.server.url, p, HTML);
      expect(res.status, p).toBe(404);
      expect(res.body, p).not.toBe(PAGE);
    }
    expect((await raw(t.server.url, '/chat/bob', HTML, 'POST')).status).toBe(404);
    expect((await raw(t.server.url, '/healthz', HTML)).body).toContain('"ok":true');
  });

  it('never serves a file outside its folder', async () => {
    const { webDir } = fakeBuild();
    const t = await startTestServer({ webDir });
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/..%5csecret.txt',
      '/assets/%252e%252e/secret.txt',
      '/assets/link.txt',
      '/.hidden',
      '/index.html%00.js',
      '/%E0%A4%A',
      `/${'../'.repeat(8)}etc/passwd`,
      `//${webDir}/../secret.txt`,
    ];
    for (const p of attempts) {
      for (const headers of [{}, HTML]) {
        const res = await raw(t.server.url, p, headers);
        expect(res.body, p).not.toContain('SECRET');
        expect(res.body, p).not.toContain('dot file');
        expect(res.body, p).not.toContain('root:');
        expect([200, 400, 404], p).toContain(res.status);
        // a navigation may get the page itself, never anything else
        if (res.status === 200) expect(res.body, p).toBe(PAGE);
      }
    }
  });

  it('tells the page its settings in /config.json', async () => {
    const open = await startTestServer({ webDir: fakeBuild().webDir });
    const config = await (await fetch(`${open.server.url}/config.json`)).json();
    expect(config).toEqual({
      auth: 'open',
      namesEditable: true,
      fileBase: open.server.url,
      recallWindowMs: 120_000,
      maxMessageBytes: 16_384,
      maxUploadBytes: 20_971_520,
    });
    const tokenUrl = 'https://app.example.com/api/parley-token';
    const secured = await startTestServer({
      webDir: fakeBuild().webDir,
      appSecret: 's'.repeat(32),
      webTokenUrl: tokenUrl,
    });
    const res = await fetch(`${secured.server.url}/config.json`);
    expect(await res.json()).toMatchObject({ auth: 'token', tokenUrl, namesEditable: false });
    const page = await raw(secured.server.url, '/', HTML);
    expect(String(page.headers['content-security-policy'])).toMatch(
      /connect-src 'self' ws:\/\/\S+ wss:\/\/\S+ https:\/\/app\.example\.com;/,
    );
  });

  it('starts without a build and says why / is missing', async () => {
    const t = await startTestServer({ webDir: path.join(tempDir(), 'not-built') });
    const res = await raw(t.server.url, '/', HTML);
    expect(res.status).toBe(404);
    expect(res.body).toContain('web client is not built: run `npm run build`');
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
  });

  it('keeps a forged Host header out of the policy', async () => {
    const t = await startTestServer({ webDir: fakeBuild().webDir });
    const res = await raw(t.server.url, '/', { ...HTML, host: "evil.example; script-src 'unsafe-inline'" });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self';");
  });
});
