// The lint setup stays the one the README describes: n8n's rules through ./eslint.config.mjs for the
// package, and the server and the tests each with their own. A stray config deeper in the tree would
// quietly lint part of the repository with other rules, and a disable comment in the package would
// hide from n8n's verification what it checks.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/process';

/** Folders that hold no configuration of ours. */
const NOT_OURS = new Set(['node_modules', 'dist', '.git']);
const CONFIG_NAME = /^(eslint\.config\.(js|mjs|cjs|ts|mts|cts)|\.eslintrc(\.(js|cjs|json|ya?ml))?)$/;

/** Every file under a folder of the repository, as paths relative to its root. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, folder), { withFileTypes: true })) {
    if (NOT_OURS.has(entry.name)) continue;
    const relative = folder === '.' ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(relative));
    else if (entry.isFile()) found.push(relative);
  }
  return found;
}

describe('lint configuration', () => {
  test('the only ESLint configs are the package, server and test ones', () => {
    const configs = filesUnder('.').filter((file) => CONFIG_NAME.test(path.basename(file)));
    expect(configs.sort()).toEqual(['eslint.config.mjs', 'server/eslint.config.mjs', 'test/eslint.config.mjs']);
  });

  test('nodes/ and credentials/ hold no eslint-disable comment', () => {
    const disabled = [...filesUnder('nodes'), ...filesUnder('credentials')].filter((file) =>
      fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').includes('eslint-disable'),
    );
    expect(disabled).toEqual([]);
  });
});
