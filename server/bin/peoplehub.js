#!/usr/bin/env node
// Entry point for the `peoplehub` command; the code lives in dist/ after `npm run build`.
const { buildCli } = require('../dist/main.js');

buildCli()
  .parseAsync(process.argv)
  .catch((error) => {
    process.stderr.write(`peoplehub: ${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  });
