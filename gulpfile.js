// Copies what n8n reads next to the compiled JavaScript into dist/: the icons and the codex files.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
  src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
    base: '.',
    allowEmpty: true,
    encoding: false,
  }).pipe(dest('dist')),
);
