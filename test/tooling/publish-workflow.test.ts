// The publish workflow's last step, run as GitHub would run it for a tag, with `npm` replaced by a
// stand-in that prints what it was asked: a pre-release goes out under the "next" dist-tag, so it
// never becomes what `npm install` gives.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/process';

/** The `run` script of a step, by its name (a block scalar or one line). */
function stepScript(workflow: string, name: string): string {
  const lines = workflow.split('\n');
  const start = lines.findIndex((line) => line.trim() === `- name: ${name}`);
  if (start < 0) throw new Error(`no step named ${name}`);
  const runLine = lines.findIndex((line, index) => index > start && /^\s+run:/.test(line));
  const inline = lines[runLine].replace(/^\s+run:\s*/, '');
  if (inline !== '|') return inline;
  const indent = /^(\s*)/.exec(lines[runLine + 1])?.[1] ?? '';
  const body: string[] = [];
  for (const line of lines.slice(runLine + 1)) {
    if (line.trim() !== '' && !line.startsWith(indent)) break;
    body.push(line.slice(indent.length));
  }
  return body.join('\n');
}

describe('publish workflow', () => {
  const workflow = fs.readFileSync(path.join(REPO_ROOT, '.github/workflows/publish.yml'), 'utf8');
  const script = stepScript(workflow, 'Publish with provenance');
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
  fs.writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "npm $*"\n', { mode: 0o755 });
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

  const publish = (tag: string) =>
    execFileSync('bash', ['-e', '-c', script], {
      env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_REF_NAME: tag },
      encoding: 'utf8',
    }).trim();

  test.each([
    ['v0.2.0', 'npm publish --provenance --access public'],
    ['v0.2.0-beta.1', 'npm publish --provenance --access public --tag next'],
    ['v1.0.0-rc.2', 'npm publish --provenance --access public --tag next'],
  ])('%s runs: %s', (tag, command) => {
    expect(publish(tag)).toBe(command);
  });

  test('version tags with a pre-release suffix start the workflow too', () => {
    expect(workflow).toMatch(/tags:\n\s+- 'v\*\.\*\.\*'/);
  });
});
