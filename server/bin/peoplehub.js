#!/usr/bin/env node
// Entry point for the `peoplehub` command; the code lives in dist/ after `npm run build`. Right after
// `npm install` there is no build yet, so the first run builds the server once with the project's
// own TypeScript, then goes on.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'main.js');

if (!fs.existsSync(entry)) {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write(
      'peoplehub: the server is not built and TypeScript is not installed; run `npm install && npm run build` first.\n',
    );
    process.exit(1);
  }
  process.stderr.write('peoplehub: building the server once (the same as `npm run build`)…\n');
  const built = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.json')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0) {
    process.stderr.write('peoplehub: the build failed; see the errors above.\n');
    process.exit(1);
  }
  // The admin console's bundle too, when its sources are here (npm run build type-checks them as well).
  const consoleBuild = path.join(root, 'console', 'build.js');
  if (
    fs.existsSync(consoleBuild) &&
    spawnSync(process.execPath, [consoleBuild], { stdio: ['ignore', 'inherit', 'inherit'] }).status !== 0
  ) {
    process.stderr.write('peoplehub: building the admin console failed; see the errors above.\n');
    process.exit(1);
  }
}

const { buildCli } = require(entry);

buildCli()
  .parseAsync(process.argv)
  .catch((error) => {
    process.stderr.write(`peoplehub: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  });
