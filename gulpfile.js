// Copies the nodes' and credentials' icons into dist/, next to the compiled JavaScript n8n loads.
const { src, dest, task } = require('gulp');

task('build:icons', () => src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', allowEmpty: true, encoding: false }).pipe(dest('dist')));
