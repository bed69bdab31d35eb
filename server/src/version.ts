// The server's version, read once from its package.json (the one source; the CLI, the OpenAPI
// document and, later, the webhook User-Agent all show it).
import fs from 'node:fs';
import path from 'node:path';

export const SERVER_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
