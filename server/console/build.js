// Bundles the admin console into dist/console (console.js, console.css) for the server to serve.
// Type-checking is tsc's job (`tsc -p console`); esbuild only strips types, bundles and minifies.
const path = require('node:path');
const zlib = require('node:zlib');
const fs = require('node:fs');
const esbuild = require('esbuild');

const here = __dirname;
const out = path.join(here, '..', 'dist', 'console');

esbuild.buildSync({
  entryPoints: { console: path.join(here, 'src', 'main.tsx') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  outdir: out,
  logLevel: 'warning',
});
fs.copyFileSync(path.join(here, 'src', 'console.css'), path.join(out, 'console.css'));

if (process.argv.includes('--sizes')) {
  for (const file of ['console.js', 'console.css']) {
    const content = fs.readFileSync(path.join(out, file));
    console.log(`${file}: ${content.length} bytes, ${zlib.gzipSync(content).length} gzipped`);
  }
}
