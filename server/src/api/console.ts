// The admin console at /admin: one HTML page and the two files `npm run build` bundles into
// dist/console. The console is a client of the public /v1 API like any other, so these routes
// serve files only and are left out of the API's OpenAPI document.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { type Reply, defineRoute } from '../http/route';

/** Where the build puts the bundle: server/dist/console, two levels up from src/api and dist/api. */
const BUNDLE_DIR = path.join(__dirname, '..', '..', 'dist', 'console');

const ASSETS: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Scripts, styles and requests only to this server, no inline script or style attribute (the console
 * sets styles through the DOM, which a policy allows), never framed, no referrer leaves the page.
 */
const CONSOLE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  contentType: string;
  payload: string;
  /** A short content hash, so the page can ask for a changed file under a new address. */
  version: string;
}

let bundle: Map<string, Asset> | null = null;

/** The built files, read once; a server started without `npm run build` answers 503 until it is run. */
function loadBundle(): Map<string, Asset> {
  if (bundle) return bundle;
  const loaded = new Map<string, Asset>();
  for (const [file, contentType] of Object.entries(ASSETS)) {
    let payload: string;
    try {
      payload = fs.readFileSync(path.join(BUNDLE_DIR, file), 'utf8');
    } catch {
      throw problems.unavailable('The admin console is not built; run `npm run build`.');
    }
    loaded.set(file, {
      contentType,
      payload,
      version: crypto.createHash('sha256').update(payload).digest('hex').slice(0, 12),
    });
  }
  bundle = loaded;
  return loaded;
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function consolePage(publicUrl: string): string {
  const files = loadBundle();
  const base = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const asset = (file: string) => escapeAttribute(`${base}/admin/assets/${file}?v=${files.get(file)?.version ?? ''}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="peoplehub-base" content="${escapeAttribute(base)}">
<title>PeopleHub admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('console.css')}">
</head>
<body>
<div id="console"><noscript>The PeopleHub admin console needs JavaScript.</noscript></div>
<script src="${asset('console.js')}"></script>
</body>
</html>
`;
}

const AnyQuery = Type.Object({}, { additionalProperties: true });

function page({ ctx }: { ctx: { publicUrl: string } }): Reply {
  return {
    status: 200,
    text: { contentType: 'text/html; charset=utf-8', payload: consolePage(ctx.publicUrl) },
    headers: { 'cache-control': 'no-cache', ...CONSOLE_SECURITY_HEADERS },
  };
}

const shell = {
  method: 'GET' as const,
  summary: 'The admin console',
  tags: ['Console'],
  auth: { kind: 'none' as const },
  documented: false,
  query: AnyQuery,
  responses: { 200: { description: 'The console page; it signs in and works through /v1.' } },
};

const home = defineRoute({ ...shell, url: '/admin', operationId: 'console', handler: page });

/** Every console address (/admin/webhooks/…, /admin/logout) gets the same page; the page routes itself. */
const deepLink = defineRoute({
  ...shell,
  url: '/admin/*',
  operationId: 'consolePage',
  params: Type.Object({ '*': Type.String({ maxLength: 500 }) }, { additionalProperties: false }),
  handler: page,
});

const assets = defineRoute({
  ...shell,
  url: '/admin/assets/:file',
  operationId: 'consoleAsset',
  summary: 'A file of the admin console',
  params: Type.Object({ file: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  responses: { 200: { description: 'The file.' } },
  handler({ params }): Reply {
    const asset = loadBundle().get(params.file);
    if (!asset) throw problems.notFound(`There is no console file named ${params.file}.`);
    return {
      status: 200,
      text: { contentType: asset.contentType, payload: asset.payload },
      headers: { 'cache-control': 'public, max-age=3600' },
    };
  },
});

export const consoleRoutes = [home, deepLink, assets];
