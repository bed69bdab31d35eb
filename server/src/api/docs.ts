// The interactive documentation: Swagger UI, served offline from this server, rendering /v1/openapi.json.
import fs from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { problems } from '../core/problem';
import { type Reply, type RouteSpec, defineRoute } from '../http/route';
import { Problem } from './common';

/** The page's own start-up script, served next to Swagger UI's files. */
const DOCS_SCRIPT = 'peoplehub-docs.js';

/** The only files of swagger-ui-dist we serve, with their media types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Asset payloads, read once. Reply.text is typed as a string, but the adapter only measures and
 * writes it, which a Buffer supports too; the PNG stays a Buffer so its bytes survive. */
const assetCache = new Map<string, string>();

async function readAsset(file: string, contentType: string): Promise<string> {
  let payload = assetCache.get(file);
  if (payload === undefined) {
    const dir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
    const content = await fs.promises.readFile(path.join(dir, file));
    payload = contentType.startsWith('text/') ? content.toString('utf8') : (content as unknown as string);
    assetCache.set(file, payload);
  }
  return payload;
}

/** PUBLIC_URL's path: the docs also work behind a proxy that adds a prefix. */
const basePath = (publicUrl: string) => new URL(publicUrl).pathname.replace(/\/+$/, '');

/**
 * The docs run only scripts and styles from this server (Swagger UI sets inline style attributes,
 * hence 'unsafe-inline' for styles only), talk only to this server, and may not be framed.
 */
export const DOCS_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Starts Swagger UI; an asset rather than an inline script, so the page's policy can forbid inline scripts. */
function docsScript(publicUrl: string): string {
  // JSON is valid JavaScript; escaping < keeps the text inert wherever it ends up.
  const settings = JSON.stringify({ url: `${basePath(publicUrl)}/v1/openapi.json` }).replace(/</g, '\\u003c');
  return `window.ui = SwaggerUIBundle(Object.assign(${settings}, {
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: 'StandaloneLayout'
}));
`;
}

function docsPage(publicUrl: string): string {
  const asset = (file: string) => `${basePath(publicUrl)}/v1/docs/assets/${file}`;
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PeopleHub API</title>
<link rel="stylesheet" href="${attr(asset('swagger-ui.css'))}">
<link rel="icon" type="image/png" sizes="32x32" href="${attr(asset('favicon-32x32.png'))}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${attr(asset('swagger-ui-bundle.js'))}"></script>
<script src="${attr(asset('swagger-ui-standalone-preset.js'))}"></script>
<script src="${attr(asset(DOCS_SCRIPT))}"></script>
</body>
</html>
`;
}

const AssetParams = Type.Object(
  { file: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

const docsPageRoute = defineRoute({
  method: 'GET',
  url: '/v1/docs',
  operationId: 'getDocs',
  summary: 'Interactive API documentation',
  tags: ['Documentation'],
  auth: { kind: 'none' },
  responses: { 200: { description: 'An HTML page where you can authorize and try every endpoint.' } },
  handler: ({ ctx }): Reply => ({
    status: 200,
    text: { contentType: 'text/html; charset=utf-8', payload: docsPage(ctx.publicUrl) },
    headers: { 'cache-control': 'no-cache', ...DOCS_SECURITY_HEADERS },
  }),
});

const assetRoute = defineRoute({
  method: 'GET',
  url: '/v1/docs/assets/:file',
  operationId: 'getDocsAsset',
  summary: 'A static file of the interactive documentation',
  tags: ['Documentation'],
  auth: { kind: 'none' },
  params: AssetParams,
  responses: { 200: { description: 'The file.' }, 404: { description: 'No such file.', schema: Problem } },
  async handler({ params, ctx }): Promise<Reply> {
    if (params.file === DOCS_SCRIPT) {
      return {
        status: 200,
        text: { contentType: 'text/javascript; charset=utf-8', payload: docsScript(ctx.publicUrl) },
        headers: { 'cache-control': 'no-cache' },
      };
    }
    const contentType = Object.hasOwn(ASSETS, params.file) ? ASSETS[params.file] : undefined;
    if (contentType === undefined) throw problems.notFound(`There is no documentation asset named ${params.file}.`);
    const payload = await readAsset(params.file, contentType);
    return { status: 200, text: { contentType, payload }, headers: { 'cache-control': 'public, max-age=86400' } };
  },
});

export const docsRoutes: RouteSpec[] = [docsPageRoute, assetRoute];
