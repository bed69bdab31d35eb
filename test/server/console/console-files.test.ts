// How the server serves the console: the built bundle within its size budget, nothing from another
// origin, a page policy that forbids inline script, every console address answered by the same page,
// and no console route in the API's own document.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { eachStore, startTestServer } from '../../helpers/harness';
import { call } from '../../helpers/http';

const BUNDLE = path.join(__dirname, '..', '..', '..', 'server', 'dist', 'console');
const BUDGET_GZIPPED = 150 * 1024;

describe('the console bundle', () => {
  test('is built by npm run build and stays under 150 KB gzipped', () => {
    const sizes = ['console.js', 'console.css'].map(
      (file) => zlib.gzipSync(fs.readFileSync(path.join(BUNDLE, file)), { level: 9 }).length,
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(5 * 1024); // a real application, not an empty file
    expect(total).toBeLessThan(BUDGET_GZIPPED);
  });

  test('loads nothing from another origin', () => {
    const script = fs.readFileSync(path.join(BUNDLE, 'console.js'), 'utf8');
    const style = fs.readFileSync(path.join(BUNDLE, 'console.css'), 'utf8');
    expect(style).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    expect(style).not.toMatch(/@import/);
    // No script, stylesheet or font address; the only absolute URLs are XML namespaces SVG needs.
    const urls = (script.match(/https?:\/\/[^\s"'`)]+/g) ?? []).filter((url) => !url.startsWith('http://www.w3.org/'));
    expect(urls).toEqual([]);
  });
});

eachStore('the console routes', (server) => {
  test('/admin is one HTML page under a strict policy, loading only its own two files', async () => {
    const res = await call(server().url, '/admin');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const policy = res.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).not.toMatch(/<script>|<style>|\son\w+=/);
    const loaded = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(loaded).toEqual([
      'data:,',
      expect.stringMatching(/^\/admin\/assets\/console\.css\?v=[0-9a-f]{12}$/),
      expect.stringMatching(/^\/admin\/assets\/console\.js\?v=[0-9a-f]{12}$/),
    ]);
    for (const asset of loaded.filter((url) => url.startsWith('/admin/assets/'))) {
      const file = await call(server().url, asset);
      expect(file.status).toBe(200);
      expect(file.text.length).toBeGreaterThan(1000);
    }
  });

  test('deep links and /admin/logout get the same page; the page routes itself', async () => {
    const home = (await call(server().url, '/admin')).text;
    for (const address of [
      '/admin/',
      '/admin/webhooks/wh_123/history',
      '/admin/logout',
      '/admin/integrations/hibob?from=email',
    ]) {
      const res = await call(server().url, address);
      expect({ address, status: res.status, same: res.text === home }).toEqual({ address, status: 200, same: true });
    }
  });

  test('an unknown asset is a 404 problem, and hostile paths change nothing', async () => {
    const missing = await call(server().url, '/admin/assets/secrets.json');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    for (const hostile of ['/admin/assets/..%2F..%2Fpackage.json', '/admin/assets/%2e%2e%2fconsole.ts']) {
      const res = await call(server().url, hostile);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('"dependencies"');
    }
  });

  test('the console is not part of the API document', async () => {
    const document = (await call(server().url, '/v1/openapi.json')).body;
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});

test('behind a proxy prefix (PUBLIC_URL with a path) the page asks for its files and the API under that prefix', async () => {
  const server = await startTestServer('sqlite', { PUBLIC_URL: 'https://people.example.com/hub' });
  try {
    const page = (await call(server.url, '/admin')).text;
    expect(page).toContain('<meta name="peoplehub-base" content="/hub">');
    expect(page).toMatch(/src="\/hub\/admin\/assets\/console\.js\?v=/);
  } finally {
    await server.close();
  }
});
