import fs from 'node:fs';
import path from 'node:path';
import { type TestServer, startTestServer } from '../../helpers/harness';
import { call, expectProblem } from '../../helpers/http';

describe('the interactive docs [sqlite]', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });

  afterAll(async () => {
    await server?.close();
  });

  test('the docs page loads Swagger UI from this server, not from a CDN', async () => {
    const res = await call(server.url, '/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const file of [
      'swagger-ui.css',
      'swagger-ui-bundle.js',
      'swagger-ui-standalone-preset.js',
      'peoplehub-docs.js',
    ])
      expect(res.text).toContain(`"/v1/docs/assets/${file}"`);
    expect(res.text).not.toMatch(/(src|href)="https?:/);
    // No inline script, so the policy can forbid them; the page may not be framed.
    expect(res.text).not.toMatch(/<script>/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    const script = await call(server.url, '/v1/docs/assets/peoplehub-docs.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('"/v1/openapi.json"');
    expect(script.text).toContain('persistAuthorization: true');
    // API answers are not pages either.
    const json = await call(server.url, '/v1/openapi.json');
    expect(json.headers['x-frame-options']).toBe('DENY');
    expect(json.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  test('the allow-listed assets answer with their content types and cache headers', async () => {
    const dir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
    const expected: Record<string, string> = {
      'swagger-ui.css': 'text/css; charset=utf-8',
      'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
      'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
      'favicon-32x32.png': 'image/png',
    };
    for (const [file, contentType] of Object.entries(expected)) {
      const res = await call(server.url, `/v1/docs/assets/${file}`);
      expect({ file, status: res.status, type: res.headers['content-type'] }).toEqual({
        file,
        status: 200,
        type: contentType,
      });
      expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
      // The byte count proves the PNG went out as bytes, not re-encoded as text.
      expect(Number(res.headers['content-length'])).toBe(fs.statSync(path.join(dir, file)).size);
    }
  });

  test('anything off the allow-list answers 404', async () => {
    for (const file of [
      '..%2Fpackage.json',
      'package.json',
      'index.html',
      'swagger-ui-bundle.js.map',
      '__proto__',
      'constructor',
    ]) {
      expectProblem(await call(server.url, `/v1/docs/assets/${file}`), 404);
    }
    expectProblem(await call(server.url, '/v1/docs/assets/../package.json'), 404);
  });
});
